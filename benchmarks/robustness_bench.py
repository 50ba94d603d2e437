"""What one request can cost the server: CPU seconds and RSS of a real ``credpath serve`` process.

Measures, against a copy of a built database and models directory (default: this checkout's ``data/`` and
``models/``; ``--database``/``--models`` to point elsewhere):
- the worst requests the current limits accept (matching at the encoded-text budget, extraction of
  20,000 characters of random words),
- that the old worst case (256 texts x 20,000 characters) is refused, and what a slice of it cost,
- how much CPU the server still spends after a client of the worst accepted request disconnects.

CPU is the server process's user+system time from /proc, RSS its resident and peak (VmHWM) memory.
Run ``--src DIR`` to serve another checkout's ``src`` (e.g. the code before the limits) for the "before".
Writes benchmarks/results/robustness.json (or ``--output``).
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
WORDS = [
    "data", "analysis", "team", "customer", "report", "python", "budget", "safety", "welding", "forklift",
    "marketing", "sales", "payroll", "nursing", "teaching", "design", "testing", "cloud", "network", "legal",
    "quality", "logistics", "finance", "research", "writing", "training", "planning", "support", "ethics", "german",
]  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _memory_mib(pid: int) -> dict[str, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: round(int(status[key].split()[0]) / 1024, 1) for key in ("VmRSS", "VmHWM")}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _random_words(rng: random.Random, characters: int, separator: str = " ") -> str:
    """Real words mixed with made-up ones, so that phrases rarely repeat (no cache or dedup helps)."""
    out: list[str] = []
    size = 0
    while size < characters:
        word = rng.choice(WORDS) if rng.random() < 0.5 else "".join(rng.choices(LETTERS, k=rng.randint(3, 8)))
        out.append(word)
        size += len(word) + len(separator)
    return separator.join(out)[:characters]


def _measure(client: httpx.Client, pid: int, path: str, body: dict[str, object]) -> dict[str, object]:
    before, memory_before = _cpu_seconds(pid), _memory_mib(pid)
    started = time.perf_counter()
    response = client.post(path, json=body)
    return {
        "status": response.status_code,
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(_cpu_seconds(pid) - before, 2),
        "rss_mib_before": memory_before["VmRSS"],
        "rss_mib_after": _memory_mib(pid)["VmRSS"],
        "peak_rss_mib": _memory_mib(pid)["VmHWM"],
        "detail": response.json().get("detail") if response.status_code >= 400 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=ROOT / "data" / "credpath.db")
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--src", type=Path, default=None, help="serve this src directory instead of the installed one")
    parser.add_argument("--label", default="current")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "robustness.json")
    args = parser.parse_args()
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="credpath-robust-"))
    shutil.copyfile(args.database, folder / "credpath.db")
    port = _free_port()
    env = {
        **os.environ,
        "CREDPATH_DATABASE_URL": f"sqlite:///{folder / 'credpath.db'}",
        "CREDPATH_MODELS_DIR": str(args.models),
        "CREDPATH_LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
    }
    if args.src is not None:
        env["PYTHONPATH"] = str(args.src)
    server = subprocess.Popen([sys.executable, "-m", "credpath.cli", "serve", "--port", str(port)], env=env)
    results: dict[str, object] = {"label": args.label}
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if httpx.get(f"{base}/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=1800) as client:
            client.post("/v1/skills/match", json={"texts": ["warm up"]})
            results["idle"] = _memory_mib(server.pid)
            # Accepted by both the old and the new limits: ~950 texts to encode (the budget is 1,000).
            phrasey = [_random_words(rng, 60, ", ") for _ in range(110)]
            results["match_110_comma_lists"] = _measure(client, server.pid, "/v1/skills/match", {"texts": phrasey})
            plain = [_random_words(rng, 250) for _ in range(256)]
            results["match_256_x_250_characters"] = _measure(client, server.pid, "/v1/skills/match", {"texts": plain})
            results["extract_7k_comma_list"] = _measure(
                client, server.pid, "/v1/skills/extract", {"text": _random_words(rng, 7_000, ", ")}
            )
            results["extract_20k_random_words"] = _measure(
                client, server.pid, "/v1/skills/extract", {"text": _random_words(rng, 20_000)}
            )
            # The old worst case, 256 texts x 20,000 characters of comma lists (~1,200 phrases each), is refused
            # now; under the old limits one text of it is measured (the whole is 256 times that).
            huge = [_random_words(rng, 20_000, ", ")]
            results["match_1_x_20k_comma_list"] = _measure(client, server.pid, "/v1/skills/match", {"texts": huge})
            if args.label != "before":
                results["match_256_x_20k_comma_lists"] = _measure(
                    client, server.pid, "/v1/skills/match", {"texts": huge * 256}
                )
            # A client that gives up after 0.3 s on an accepted extraction: CPU the server spends afterwards.
            before = _cpu_seconds(server.pid)
            with contextlib.suppress(httpx.TimeoutException):
                client.post("/v1/skills/extract", json={"text": _random_words(rng, 7_000, ", ")}, timeout=0.3)
            time.sleep(15)
            results["cpu_seconds_after_a_disconnect_at_0_3s"] = round(_cpu_seconds(server.pid) - before, 2)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results, indent=2))
    existing = json.loads(args.output.read_text()) if args.output.is_file() else {}
    existing[args.label] = results
    args.output.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
