"""Access benchmark: what an API key costs a request (lookup, hash, constant-time compare, scope guard).

The same cheap request (``GET /v1/learners/{id}`` of a learner with no skills) is timed with an admin
key and, for comparison, a public read (``GET /v1/skills/{id}`` of a missing skill, no key) over a
fresh SQLite database, in process (Litestar's TestClient, no network). Also times
``services.access.authenticate`` alone and an empty unit of work, and records the machine's load average
(the 2-core box is shared, so absolute figures vary with it). Writes benchmarks/results/access.json.
"""

import json
import os
import tempfile
from pathlib import Path

from litestar.testing import TestClient

from bench_timing import timed
from credpath.api import create_app
from credpath.config import Settings
from credpath.services import access
from credpath.services.resources import open_engine, unit_of_work

KEY = "benchmark-admin-key-" + "0" * 32
RESULTS = Path(__file__).resolve().parent / "results" / "access.json"


def main() -> None:
    """Run the measurements and write the JSON."""
    folder = Path(tempfile.mkdtemp(prefix="credpath-access-"))
    settings = Settings(
        database_url=f"sqlite:///{folder / 'credpath.db'}",
        models_dir=folder,
        bootstrap_admin_key=KEY,
        admin_key_file=folder / "admin.key",
        rate_limit_per_minute=1_000_000,
    )
    out: dict[str, object] = {}
    with TestClient(create_app(settings)) as client:
        auth = {"Authorization": f"Bearer {KEY}"}
        learner = client.post("/v1/learners", json={"name": "bench"}, headers=auth).json()["id"]
        for _ in range(50):
            client.get(f"/v1/learners/{learner}", headers=auth)
        out["learner_read_with_key"] = timed(lambda: client.get(f"/v1/learners/{learner}", headers=auth), 1000)
        out["public_read_without_key"] = timed(lambda: client.get("/v1/skills/none"), 1000)
    engine = open_engine(settings)

    def authenticate() -> None:
        with unit_of_work(engine) as session:
            access.authenticate(session, KEY)

    def empty_unit_of_work() -> None:
        with unit_of_work(engine) as session:
            session.connection()

    out["authenticate_only"] = timed(authenticate, 2000)
    # What a bare unit of work costs (SQLite: a new connection and its pragmas each time): most of the above.
    out["empty_unit_of_work"] = timed(empty_unit_of_work, 2000)
    out["load_average_1min"] = round(os.getloadavg()[0], 1)
    engine.dispose()
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
