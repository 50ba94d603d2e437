"""First run: from ``make run`` on a fresh clone (virtualenv installed) to the first 200, and to the tuned swap.

Clones this repository's committed HEAD into a temporary folder, installs its virtualenv (``make install``,
timed apart: the figure is "with the virtualenv installed"), then starts ``make run`` on a free loopback port
and polls ``POST /v1/skills/match`` once a second. Records when the first 200 came, and (``--until-tuned``)
when ``/v1/health`` reports every index served from the tuned model, then stops the server.

Writes ``benchmarks/results/first_run.json``. Needs the datasets (``CREDPATH_DATA_DIR``) and ~20 minutes with
``--until-tuned`` on 2 cores; run it on an otherwise idle machine.

Run: ``python benchmarks/first_run_bench.py [--until-tuned]``.
"""

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "first_run.json"
QUERY = {"texts": ["I write SQL queries and build dashboards"]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serving_models(base: str) -> set[str]:
    try:
        serving = httpx.get(f"{base}/v1/health", timeout=10).json()["index"]["serving"]
    except (httpx.HTTPError, KeyError, ValueError):
        return set()
    return {entry["model"] for entry in serving.values()}


def main() -> None:
    """Clone, install, ``make run``, and time the first answer (and the tuned swap)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--until-tuned", action="store_true", help="also wait for the tuned generation")
    parser.add_argument("--timeout", type=float, default=2400.0, help="give up after this many seconds")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    data_dir = os.environ.get("CREDPATH_DATA_DIR", str(ROOT.parent / "shared" / "datasets"))
    with tempfile.TemporaryDirectory(prefix="credpath-first-run-") as folder:
        clone = Path(folder) / "credpath"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        commit = subprocess.run(
            ["git", "-C", str(clone), "rev-parse", "--short", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        env = {**os.environ, "CREDPATH_DATA_DIR": data_dir}
        started = time.perf_counter()
        subprocess.run(["make", "install"], cwd=clone, env=env, check=True, capture_output=True)
        install_s = time.perf_counter() - started
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = Path(folder) / "make-run.log"
        with log_path.open("wb") as log:
            started = time.perf_counter()
            # Its own process group: stopping the benchmark stops make, the server and the background chain.
            run = subprocess.Popen(
                ["make", "run"],
                cwd=clone,
                env={**env, "CREDPATH_PORT": str(port)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            first_200_s = tuned_s = None
            plain_models: set[str] = set()
            try:
                while time.perf_counter() - started < args.timeout and run.poll() is None:
                    if first_200_s is None:
                        try:
                            if httpx.post(f"{base}/v1/skills/match", json=QUERY, timeout=10).status_code == 200:
                                first_200_s = time.perf_counter() - started
                                plain_models = _serving_models(base)
                                print(f"first 200 after {first_200_s:.0f} s", flush=True)
                                if not args.until_tuned:
                                    break
                        except httpx.TransportError:
                            pass
                    else:
                        models = _serving_models(base)
                        if models and all("+tuned:" in m for m in models) and models != plain_models:
                            tuned_s = time.perf_counter() - started
                            print(f"tuned generation served after {tuned_s:.0f} s", flush=True)
                            break
                    time.sleep(1.0)
            finally:
                os.killpg(run.pid, signal.SIGTERM)
                run.wait(timeout=60)
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "install_s": round(install_s, 1),
        "first_200_s": None if first_200_s is None else round(first_200_s, 1),
        "plain_models": sorted(plain_models),
        "tuned_generation_s": None if tuned_s is None else round(tuned_s, 1),
        "log_tail": tail,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
