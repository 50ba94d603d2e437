"""Many simultaneous writers through a real server process: every write answers 2xx, none is lost, health answers.

Issue 10, defect 1: with sync handlers committing on the event loop and deferred SQLite transactions, seven
or more simultaneous writes stalled the API and failed with ``database is locked``.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

from credpath.pipeline.ingest import IngestReport
from tests.server.serverprocess import ADMIN, serve

WRITERS = 24
SQL_SKILL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"


def _skill_ids(engine: Engine, count: int) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id FROM skill ORDER BY id LIMIT :n"), {"n": count})
        return [row[0] for row in rows]


def test_concurrent_writers_all_succeed_and_nothing_is_lost(
    loaded: tuple[Engine, list[IngestReport]], models_dir: Path
) -> None:
    engine, _reports = loaded
    tag = f"concurrent-{uuid.uuid4().hex[:8]}"
    skills = _skill_ids(engine, WRITERS)
    with serve(engine.url.render_as_string(hide_password=False), models_dir) as base:
        target = httpx.post(f"{base}/v1/learners", json={"name": f"{tag}-target"}, headers=ADMIN, timeout=60)
        assert target.status_code == 201, target.text
        learner_id = target.json()["id"]

        start = threading.Barrier(2 * WRITERS + 1)
        writers_done = threading.Event()
        health: list[int] = []

        def create(_: int) -> int:
            with httpx.Client(base_url=base, headers=ADMIN, timeout=120) as client:
                start.wait()
                return client.post("/v1/learners", json={"name": tag, "skills": [SQL_SKILL]}).status_code

        def add(skill_id: str) -> int:
            with httpx.Client(base_url=base, headers=ADMIN, timeout=120) as client:
                start.wait()
                return client.post(f"/v1/learners/{learner_id}/skills", json={"skills": [skill_id]}).status_code

        def poll_health() -> None:
            with httpx.Client(base_url=base, timeout=120) as client:
                start.wait()
                while not writers_done.is_set():
                    health.append(client.get("/v1/health").status_code)

        with ThreadPoolExecutor(max_workers=2 * WRITERS + 1) as pool:
            poller = pool.submit(poll_health)
            created = [pool.submit(create, i) for i in range(WRITERS)]
            added = [pool.submit(add, skill) for skill in skills]
            statuses = [future.result() for future in created + added]
            writers_done.set()
            poller.result()

        assert statuses == [201] * WRITERS + [200] * WRITERS
        assert health, "health was never answered while the writers ran"
        assert set(health) == {200}
        stored = httpx.get(f"{base}/v1/learners/{learner_id}/skills", headers=ADMIN, timeout=60).json()
        assert sorted(skill["skill_id"].rsplit("/", 1)[-1] for skill in stored) == sorted(
            s.rsplit("/", 1)[-1] for s in skills
        )

    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM learner WHERE name = :tag"), {"tag": tag}).scalar_one()
        held = connection.execute(
            text(
                "SELECT count(*) FROM learner_skill JOIN learner ON learner.id = learner_skill.learner_id "
                "WHERE learner.name = :tag"
            ),
            {"tag": tag},
        ).scalar_one()
    assert (count, held) == (WRITERS, WRITERS)
