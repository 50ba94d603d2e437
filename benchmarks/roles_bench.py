"""Roles benchmark: ``POST /v1/roles`` ranks every occupation (3,007 ESCO + 1,016 O*NET) for one learner.

- ``catalogue_build``: the once-per-process read of every occupation's requirements into the ranker.
- ``roles_skills``: ``POST /v1/roles`` (first page of 20, both taxonomies) for learners holding a random
  30-70% of a random occupation's essential skills (ESCO and O*NET occupations alike), declared.
- ``roles_text``: the same with a one-sentence free text instead of ids (skill extraction included).
- ``rank_only``: the ranking itself (``RoleRanker.rank`` over all occupations), and the same answer computed
  the naive way (one ``ReadinessScorer`` per occupation) for comparison.
- ``source_rank``: where the occupation a learner was drawn from lands in that learner's ranking.

Runs in process (Litestar's TestClient, no network) over an existing database and models directory (what
``make run`` builds; defaults are the repository's ``data/credpath.db`` and ``models/``); only reads.
Writes benchmarks/results/roles.json.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from litestar.testing import TestClient
from sqlmodel import Session

from credpath.api import create_app
from credpath.config import Settings, repository_root
from credpath.planning.gaps import HeldSkill
from credpath.planning.readiness import ReadinessScorer
from credpath.services.roles import load_role_catalogue
from credpath.storage.db import create_db_engine
from credpath.storage.repositories import skills as skill_repo

RESULTS = Path(__file__).resolve().parent / "results" / "roles.json"
SEED = 15
SENTENCES = (
    "I analyse sales data in Excel and SQL and present monthly reports to managers.",
    "I cook for a busy restaurant, plan menus and keep the kitchen clean and safe.",
    "I look after patients on a hospital ward, give medication and keep records.",
    "I repair cars, diagnose engine faults and order spare parts.",
    "I teach maths to teenagers, plan lessons and mark homework.",
)


def _stats(latencies: list[float]) -> dict[str, float]:
    latencies = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p90_ms": round(latencies[int(0.9 * (len(latencies) - 1))], 2),
        "max_ms": round(latencies[-1], 2),
        "n": len(latencies),
    }


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Run the benchmark and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{repository_root() / 'data' / 'credpath.db'}")
    parser.add_argument("--models-dir", type=Path, default=repository_root() / "models")
    parser.add_argument("--learners", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(SEED)

    engine = create_db_engine(args.database_url)
    with Session(engine) as session:
        parents = skill_repo.skill_parents(session)
        started = time.perf_counter()
        catalogue = load_role_catalogue(session, parents)
        build_ms = (time.perf_counter() - started) * 1000
    ranker = catalogue.ranker
    occupations = sorted(ranker.occupation_ids)
    learners: list[tuple[str, list[str]]] = []
    while len(learners) < args.learners:
        occupation = rng.choice(occupations)
        essential = sorted({r.skill_id for r in ranker.profiles[occupation].requirements if r.relation == "essential"})
        if len(essential) < 3:
            continue
        share = rng.uniform(0.3, 0.7)
        learners.append((occupation, rng.sample(essential, max(1, round(share * len(essential))))))

    rank_ms, naive_ms, source_ranks = [], [], []
    for occupation, skills in learners:
        held = [HeldSkill(s, "declared") for s in skills]
        started = time.perf_counter()
        scores = ranker.rank(held)
        rank_ms.append((time.perf_counter() - started) * 1000)
        order = [s.occupation_id for s in scores]
        source_ranks.append(order.index(occupation) + 1 if occupation in order else len(occupations))
    for _occupation, skills in learners[:20]:
        held = [HeldSkill(s, "declared") for s in skills]

        def naive(held: list[HeldSkill] = held) -> None:
            for profile in ranker.profiles.values():
                essential = [r for r in profile.requirements if r.relation == "essential"]
                if essential:
                    ReadinessScorer(essential, parents).readiness(held)

        naive_ms.append(_timed(naive))

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=args.database_url,
            models_dir=args.models_dir,
            admin_key_file=Path(folder) / "admin.key",
            rate_limit_per_minute=1_000_000,
            index_check_seconds=0,
        )
        with TestClient(create_app(settings)) as client:
            first = _timed(lambda: client.post("/v1/roles", json={"learner": {"skills": learners[0][1]}}))
            by_skills = []
            for _occupation, skills in learners:
                response = None

                def post(skills: list[str] = skills) -> None:
                    nonlocal response
                    response = client.post("/v1/roles", json={"learner": {"skills": skills}})

                by_skills.append(_timed(post))
                if response is None or response.status_code != 200:
                    raise RuntimeError(f"POST /v1/roles failed: {response and response.text}")
            by_text = []
            for i in range(50):
                text = SENTENCES[i % len(SENTENCES)] + f" ({i})"
                by_text.append(_timed(lambda text=text: client.post("/v1/roles", json={"learner": {"text": text}})))

    requirements = sum(len(p.requirements) for p in ranker.profiles.values())
    results = {
        "occupations_ranked": len(occupations),
        "esco": sum(1 for o in occupations if o in catalogue.esco),
        "onet": sum(1 for o in occupations if o in catalogue.onet),
        "requirements_indexed": requirements,
        "catalogue_build_ms": round(build_ms, 1),
        "first_request_ms": round(first, 1),
        "roles_skills": _stats(by_skills),
        "roles_text": _stats(by_text),
        "rank_only": _stats(rank_ms),
        "rank_naive_per_occupation": _stats(naive_ms),
        "source_rank": {
            "median": statistics.median(source_ranks),
            "top1": round(sum(r == 1 for r in source_ranks) / len(source_ranks), 3),
            "top10": round(sum(r <= 10 for r in source_ranks) / len(source_ranks), 3),
        },
        "learners": len(learners),
        "seed": SEED,
        "database": args.database_url.split("://")[0],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
