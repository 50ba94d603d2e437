"""The roles ranking agrees with the per-role readiness scorer that gap analysis's fast path uses."""

import random

import pytest

from credpath.planning.gaps import HeldSkill, Requirement
from credpath.planning.readiness import ReadinessScorer
from credpath.planning.roles import RoleProfile, RoleRanker


def _hierarchy(rng: random.Random, n: int) -> dict[str, frozenset[str]]:
    """A random forest of skills s0..s{n-1}: each skill's parent has a smaller number."""
    return {f"s{i}": frozenset({f"s{rng.randrange(i)}"}) for i in range(1, n) if rng.random() < 0.8}


def test_essential_readiness_equals_the_scorer_on_essential_requirements() -> None:
    rng = random.Random(7)
    parents = _hierarchy(rng, 60)
    profiles = []
    for o in range(40):
        skills = rng.sample(range(60), rng.randint(1, 8))
        requirements = tuple(
            Requirement(f"s{s}", "essential" if rng.random() < 0.7 else "optional", rng.choice([None, 0.3, 1.0]))
            for s in skills
        )
        profiles.append(RoleProfile(f"o{o}", requirements))
    ranker = RoleRanker(profiles, parents)
    for _ in range(20):
        held = [
            HeldSkill(f"s{s}", rng.choice(["verified", "declared", "inferred"]), rng.choice([None, 0.5]))
            for s in rng.sample(range(60), rng.randint(0, 6))
        ]
        ranked = {score.occupation_id: score for score in ranker.rank(held)}
        for profile in profiles:
            essential = [r for r in profile.requirements if r.relation == "essential"]
            expected = ReadinessScorer(essential, parents).readiness(held) if essential else 0.0
            score = ranked.get(profile.occupation_id)
            # Equal up to the last rounded digit (the sums run in another order).
            assert (score.essential_readiness if score else 0.0) == pytest.approx(expected, abs=1.1e-4)
        order = [(-s.essential_readiness, s.remaining) for s in ranker.rank(held)]
        assert order == sorted(order)


def test_gap_counts_and_filter() -> None:
    parents = {"py3": frozenset({"python"})}
    ranker = RoleRanker(
        [
            RoleProfile("dev", (Requirement("python"), Requirement("py3"), Requirement("sql"))),
            RoleProfile("ops", (Requirement("bash"),)),
        ],
        parents,
    )
    (dev,) = ranker.rank([HeldSkill("python", "declared")])
    # python exact (0.85: covered), py3 via a broader held skill (0.425: partial), sql missing.
    assert (dev.essential, dev.covered, dev.partial, dev.missing, dev.remaining) == (3, 1, 1, 1, 2)
    assert ranker.rank([HeldSkill("python", "declared")], allowed=frozenset({"ops"})) == []
    assert ranker.rank([]) == []
