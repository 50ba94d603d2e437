"""Postings benchmark: creating a posting (extraction and occupation matching included) and ranking candidates.

- ``posting_create``: ``POST /v1/postings`` with a 2,000-character description. Every description is new
  (requirement sentences built from random ESCO skill labels), so the encoder's cache never answers for it.
- ``candidates``: ``GET /v1/postings/{id}/candidates`` (first page of 20) with 10,000 discoverable learners
  inserted in bulk, each holding 3–12 skills, about half of them drawn from the posting's skills (so most
  learners are related to the posting and are ranked, the expensive case).

Runs in process (Litestar's TestClient, no network) over a fresh SQLite database with the default bundle,
the encoder fine-tuned for a few steps and the indexes built as the test suite builds them (same model
architecture and index sizes as ``make run``, so latencies are the same; ~4 minutes of setup). Pass
``--database-url`` and ``--models-dir`` to reuse a loaded database and built models instead (the database is
written to). Writes benchmarks/results/postings.json.
"""

import argparse
import json
import os
import random
import tempfile
import uuid
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import insert, select
from sqlmodel import Session, col

from bench_timing import timed
from credpath.api import create_app
from credpath.config import Settings, repository_root
from credpath.ml.tuning import TuningRecipe
from credpath.pipeline.build import build_all
from credpath.pipeline.ingest import ingest_default
from credpath.pipeline.tuning import tune
from credpath.storage.db import create_db_engine, migrate
from credpath.storage.tables import Learner, LearnerSkill, Skill

KEY = "benchmark-admin-key-" + "0" * 32
ADMIN = {"Authorization": f"Bearer {KEY}"}
RESULTS = Path(__file__).resolve().parent / "results" / "postings.json"
LEARNERS = 10_000
SEED = 12
TEMPLATES = (
    "You will {a} and {b} as part of a small team.",
    "Experience to {a} is essential; knowing how to {b} is a plus.",
    "Day to day you {a}, {b} and report to the operations lead.",
    "We expect solid knowledge of {a} and the ability to {b}.",
)


def _description(rng: random.Random, labels: list[str], length: int = 2_000) -> str:
    text = "Operations Analyst. "
    while len(text) < length:
        text += rng.choice(TEMPLATES).format(a=rng.choice(labels), b=rng.choice(labels)) + " "
    return text[:length].rsplit(" ", 1)[0] + "."


def _prepare(folder: Path) -> tuple[str, Path]:
    data_dir = Path(os.environ.get("CREDPATH_DATA_DIR", repository_root().parent / "shared" / "datasets"))
    url = f"sqlite:///{folder / 'credpath.db'}"
    engine = create_db_engine(url)
    migrate(engine)
    ingest_default(engine, data_dir)
    models = folder / "models"
    tune(engine, models, recipe=TuningRecipe(steps=3, batch_size=16))
    build_all(engine, models)
    engine.dispose()
    return url, models


def _insert_learners(url: str, posting_skills: list[str], rng: random.Random) -> None:
    engine = create_db_engine(url)
    with Session(engine) as session:
        pool = list(session.scalars(select(col(Skill.id)).order_by(col(Skill.id))))
        learners, skills = [], []
        for _ in range(LEARNERS):
            learner_id = uuid.UUID(int=rng.getrandbits(128)).hex
            learners.append({"id": learner_id, "name": None, "discoverable": True, "languages": []})
            n = rng.randint(3, 12)
            chosen = set(rng.sample(posting_skills, min(len(posting_skills), n // 2))) | set(
                rng.sample(pool, n - n // 2)
            )
            skills += [{"learner_id": learner_id, "skill_id": s, "evidence": "declared"} for s in chosen]
        session.execute(insert(Learner), learners)
        session.execute(insert(LearnerSkill), skills)
        session.commit()
    engine.dispose()


def main() -> None:
    """Run the measurements and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--creates", type=int, default=30)
    parser.add_argument("--candidate-reads", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="credpath-postings-"))
    if args.database_url and args.models_dir:
        url, models = args.database_url, args.models_dir
    else:
        url, models = _prepare(folder)
    settings = Settings(
        database_url=url,
        models_dir=models,
        bootstrap_admin_key=KEY,
        admin_key_file=folder / "admin.key",
        rate_limit_per_minute=1_000_000,
    )
    rng = random.Random(SEED)
    out: dict[str, object] = {}
    with TestClient(create_app(settings)) as client:
        org = client.post("/v1/orgs", json={"name": f"bench {uuid.uuid4().hex[:6]}", "kind": "employer"}, headers=ADMIN)
        key = client.post(
            f"/v1/orgs/{org.json()['id']}/keys", json={"scopes": ["postings:read", "postings:write"]}, headers=ADMIN
        )
        employer = {"Authorization": f"Bearer {key.json()['key']}"}
        labels = [s["label"] for s in client.get("/v1/skills", params={"q": "manage", "limit": 100}).json()["items"]]
        labels += [s["label"] for s in client.get("/v1/skills", params={"q": "data", "limit": 100}).json()["items"]]

        def create() -> None:
            body = {"title": "Operations Analyst", "description": _description(rng, labels)}
            response = client.post("/v1/postings", json=body, headers=employer)
            if response.status_code != 201:
                raise RuntimeError(response.text)

        create()  # warm-up: first request loads what is loaded lazily
        out["posting_create_2000_chars"] = timed(create, args.creates)
        posting = client.post(
            "/v1/postings", json={"title": "Data Analyst", "description": _description(rng, labels)}, headers=employer
        ).json()
        required = [s["skill_id"] for s in posting["skills"]]
        _insert_learners(url, required, rng)
        url_candidates = f"/v1/postings/{posting['id']}/candidates"
        first = client.get(url_candidates, headers=employer).json()
        out["candidates_10000_discoverable"] = timed(
            lambda: client.get(url_candidates, headers=employer), args.candidate_reads
        )
        out["candidates_ranked"] = first["total"]
        out["posting_skills"] = len(required)
    out["discoverable_learners"] = LEARNERS
    out["load_average_1min"] = round(os.getloadavg()[0], 1)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
