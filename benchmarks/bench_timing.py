"""Latency of a call repeated n times, as the benchmarks report it (milliseconds, median and tails).

Imported by the benchmark scripts, which run as ``python benchmarks/<name>.py`` (so this folder is on
``sys.path``).
"""

import statistics
import time
from collections.abc import Callable


def timed(call: Callable[[], object], n: int) -> dict[str, float]:
    """Run ``call`` n times in a row; p50, p90 and p99 of the wall time in ms, and n."""
    latencies = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "p50_ms": round(statistics.median(latencies), 3),
        "p90_ms": round(latencies[int(0.9 * (n - 1))], 3),
        "p99_ms": round(latencies[int(0.99 * (n - 1))], 3),
        "n": n,
    }
