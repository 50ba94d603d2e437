"""Planning benchmark: the pathway planner vs the exact integer optimum and two baselines.

Scenarios are generated from ESCO: a random ESCO occupation with at least five essential skills, a
learner who holds a random 10–60% of its skills (declared), and a random budget (2, 3 or 5
credentials; no hour limit, 100 h or 300 h). The candidate pool is every catalogue credential aligned
to at least one gap skill (one listing per canonical offering). Methods, on the same instances:

- planner: credpath's greedy + best-single + 1-swap (``plan_pathway``);
- optimum: the integer program solved exactly with scipy's ``milp`` (HiGHS);
- cosine top-k: credentials most similar to the role title (credential index), taken in order while
  they fit the budget;
- most popular: the pool by review count, taken in order while they fit.

Needs a database with the bundle ingested and indexes built (``make run`` or ``make index``).
Writes benchmarks/results/planning.json.
"""

import json
import random
import statistics
import time
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from sqlmodel import Session

from credpath.config import Settings
from credpath.indexes import index_dir
from credpath.ml.encoder import OnnxEncoder
from credpath.ml.export import read_artifact
from credpath.ml.index import VectorIndex
from credpath.planning.gaps import HeldSkill, Requirement, compute_gaps
from credpath.planning.offers import CredentialOffer
from credpath.planning.pathways import Budget, Offer, coverage_value, plan_pathway
from credpath.storage.db import create_db_engine
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import index_rows
from credpath.storage.repositories import occupations as occupation_repo

RESULTS = Path(__file__).resolve().parent / "results" / "planning.json"
SCENARIOS = 200


def _optimum(gaps: dict[str, tuple[float, float]], offers: list[Offer], budget: Budget) -> tuple[float, float]:
    skills = list(gaps)
    n, m = len(offers), len(skills)
    if n == 0:
        return 0.0, 0.0
    index = {s: i for i, s in enumerate(skills)}
    a = np.zeros((m, n))
    for j, offer in enumerate(offers):
        for skill, q in offer.teaches.items():
            if skill in index:
                a[index[skill], j] = q * gaps[skill][1]
    weights = np.array([gaps[s][0] for s in skills])
    c = np.concatenate([np.zeros(n), -weights])
    rows = [np.hstack([-a, np.eye(m)])]
    upper = [np.zeros(m)]
    if budget.max_credentials is not None:
        rows.append(np.concatenate([np.ones(n), np.zeros(m)])[None, :])
        upper.append(np.array([budget.max_credentials]))
    if budget.max_hours is not None:
        rows.append(np.concatenate([[o.hours or 0.0 for o in offers], np.zeros(m)])[None, :])
        upper.append(np.array([budget.max_hours]))
    constraint = LinearConstraint(np.vstack(rows), -np.inf, np.concatenate(upper))
    bounds = Bounds(np.zeros(n + m), np.concatenate([np.ones(n), [gaps[s][1] for s in skills]]))
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    started = time.perf_counter()
    result = milp(c, constraints=constraint, bounds=bounds, integrality=integrality, options={"time_limit": 60})
    elapsed = time.perf_counter() - started
    return (float(-result.fun) if result.x is not None else 0.0), elapsed


def _take_in_order(ranked: list[Offer], budget: Budget) -> list[Offer]:
    chosen: list[Offer] = []
    hours = 0.0
    for offer in ranked:
        if budget.max_credentials is not None and len(chosen) >= budget.max_credentials:
            break
        if budget.max_hours is not None and hours + (offer.hours or 0.0) > budget.max_hours:
            continue
        chosen.append(offer)
        hours += offer.hours or 0.0
    return chosen


def main() -> None:
    """Generate scenarios, run every method, write the results."""
    settings = Settings()
    engine = create_db_engine(settings.database_url)
    artifact = read_artifact(settings.models_dir)
    if artifact is None:
        raise SystemExit("build the indexes first: make index")
    encoder = OnnxEncoder(artifact.model_file(settings.models_dir), backend=artifact.backend)
    credentials = VectorIndex.load(index_dir(settings.models_dir, "credentials"))
    with Session(engine) as session:
        occupations = occupation_repo.esco_occupation_ids(session)
        relations = occupation_repo.esco_skill_relations(session, occupations)
        offers_all = credential_repo.credential_offers(session)
        labels = {row["id"]: row["preferred_label"] for row in index_rows.occupation_text_rows(session)}
    profile: dict[str, list[tuple[str, str]]] = {}
    for relation in relations:
        profile.setdefault(relation.occupation_id, []).append((relation.skill_id, relation.relation_type))
    eligible = sorted(o for o, skills in profile.items() if sum(r == "essential" for _, r in skills) >= 5)
    by_canonical: dict[str, CredentialOffer] = {}
    for row in offers_all:
        kept = by_canonical.get(row.canonical_key)
        if kept is None or len(row.teaches) > len(kept.teaches):
            by_canonical[row.canonical_key] = row
    pool = list(by_canonical.values())
    reviews = {row.id: row.reviews or 0 for row in pool}

    rng = random.Random(7)
    rows = []
    attempts = 0
    while len(rows) < SCENARIOS and attempts < SCENARIOS * 20:
        attempts += 1
        occupation = rng.choice(eligible)
        requirements = [Requirement(skill, relation) for skill, relation in profile[occupation]]
        share = rng.uniform(0.1, 0.6)
        held = [HeldSkill(r.skill_id, "declared") for r in requirements if rng.random() < share]
        analysis = compute_gaps(requirements, held, parents={})
        gaps = {g.skill_id: (g.weight, g.remaining) for g in analysis.gaps}
        offers = [
            Offer(row.id, {s: q for s, q in row.teaches.items() if s in gaps}, row.hours, row.cost, row.level)
            for row in pool
            if any(s in gaps for s in row.teaches)
        ]
        budget = Budget(max_credentials=rng.choice([2, 3, 5]), max_hours=rng.choice([None, 100.0, 300.0]))
        if budget.max_hours is not None:
            offers = [o for o in offers if o.hours is not None]
        if len(offers) < 3:
            continue
        started = time.perf_counter()
        plan = plan_pathway(gaps, offers, budget)
        planner_ms = (time.perf_counter() - started) * 1000
        optimum, ilp_s = _optimum(gaps, offers, budget)
        query = encoder.encode([labels[occupation]])
        ranked_ids = credentials.search(query, 200).ids[0]
        by_id = {o.credential_id: o for o in offers}
        cosine = _take_in_order([by_id[i] for i in ranked_ids if i in by_id], budget)
        popular = _take_in_order(sorted(offers, key=lambda o: -reviews.get(o.credential_id, 0)), budget)
        chosen = [by_id[s.credential_id] for s in plan.steps]
        hours = sum(o.hours or 0.0 for o in chosen)
        rows.append(
            {
                "occupation": labels[occupation],
                "budget": [budget.max_credentials, budget.max_hours],
                "offers": len(offers),
                "gap_weight": sum(w * g for w, g in gaps.values()),
                "planner": plan.closed,
                "optimum": optimum,
                "cosine": coverage_value(cosine, gaps)[0],
                "popular": coverage_value(popular, gaps)[0],
                "planner_credentials": len(chosen),
                "planner_hours": hours,
                "planner_ms": planner_ms,
                "ilp_s": ilp_s,
            }
        )

    def ratio(key: str) -> list[float]:
        return [r[key] / r["optimum"] for r in rows if r["optimum"] > 1e-9]

    summary = {
        "scenarios": len(rows),
        "mean_ratio_to_optimum": {k: statistics.mean(ratio(k)) for k in ("planner", "cosine", "popular")},
        "min_ratio_to_optimum": {k: min(ratio(k)) for k in ("planner", "cosine", "popular")},
        "share_of_gap_closed": {
            k: statistics.mean(r[k] / r["gap_weight"] for r in rows)
            for k in ("planner", "optimum", "cosine", "popular")
        },
        "planner_gap_closed_per_credential": statistics.mean(
            r["planner"] / r["planner_credentials"] for r in rows if r["planner_credentials"]
        ),
        "planner_gap_closed_per_100_hours": statistics.mean(
            100 * r["planner"] / r["planner_hours"] for r in rows if r["planner_hours"]
        ),
        "planner_ms": {
            "p50": float(np.percentile([r["planner_ms"] for r in rows], 50)),
            "p99": float(np.percentile([r["planner_ms"] for r in rows], 99)),
        },
        "ilp_s": {"p50": float(np.percentile([r["ilp_s"] for r in rows], 50)), "max": max(r["ilp_s"] for r in rows)},
        "offers_per_scenario": {
            "p50": float(np.percentile([r["offers"] for r in rows], 50)),
            "max": max(r["offers"] for r in rows),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"summary": summary, "scenarios": rows}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
