"""The fast candidate readiness equals gap analysis's readiness (without semantic credit), on random cases."""

import random

import pytest

from credpath.planning.gaps import HeldSkill, Requirement, compute_gaps
from credpath.planning.readiness import ReadinessScorer

SKILLS = [f"s{n}" for n in range(30)]


@pytest.mark.parametrize("seed", range(20))
def test_readiness_matches_compute_gaps(seed: int) -> None:
    rng = random.Random(seed)
    parents = {s: frozenset(rng.sample(SKILLS, rng.randint(0, 2))) - {s} for s in SKILLS}
    requirements = [
        Requirement(s, rng.choice(["essential", "optional"]), rng.choice([None, rng.random()]))
        for s in rng.sample(SKILLS, rng.randint(1, 12))
    ]
    scorer = ReadinessScorer(requirements, parents)
    for _ in range(25):
        held = [
            HeldSkill(s, rng.choice(["verified", "declared", "inferred"]), rng.choice([None, rng.random()]))
            for s in rng.sample(SKILLS, rng.randint(0, 10))
        ]
        assert scorer.readiness(held) == compute_gaps(requirements, held, parents=parents).readiness


def test_no_requirements_is_zero() -> None:
    assert ReadinessScorer([], {}).readiness([HeldSkill("a")]) == 0.0
