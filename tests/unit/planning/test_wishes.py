"""What a learner asks for weighs more: matching asks to requirements, and the weights and readiness after."""

import pytest

from credpath.planning.gaps import HeldSkill, Requirement, compute_gaps
from credpath.planning.wishes import WISH_BOOST, WISH_SIMILARITY, asked_requirements, weight_by_wishes
from credpath.vocabulary import RelationType


def test_an_ask_is_the_requirement_itself_or_the_one_that_reads_most_alike() -> None:
    required = ["medical informatics", "ehr", "clinical coding"]
    similarity = [
        [1.0, 0.2, 0.3],  # named exactly: asked even if another column were higher
        [0.2, 0.1, 0.1],  # "pay-per-click" for a clinical coder: nothing close enough
        [WISH_SIMILARITY, 0.4, 0.69],  # "health informatics": the nearest requirement, at the floor
    ]
    asked = asked_requirements(["medical informatics", "pay-per-click", "health informatics"], required, similarity)
    assert asked == frozenset({"medical informatics"})
    below = [[WISH_SIMILARITY - 0.01, 0.0, 0.0]]
    assert asked_requirements(["health informatics"], required, below) == frozenset()
    exact = [[0.1, 0.9, 0.2]]
    assert asked_requirements(["clinical coding"], required, exact) == frozenset({"clinical coding"})
    assert asked_requirements([], required, []) == frozenset()


def test_an_asked_requirement_weighs_as_two_essential_skills_and_keeps_its_relation() -> None:
    plain = compute_gaps(
        [Requirement("gis"), Requirement("ml", RelationType.OPTIONAL), Requirement("sql")],
        [HeldSkill("sql", "verified")],
        parents={},
    )
    weighted = weight_by_wishes(plain, frozenset({"gis", "ml"}))
    by_skill = {g.skill_id: g for g in weighted.items}
    assert by_skill["gis"].weight == pytest.approx(1.0 * WISH_BOOST)
    assert by_skill["ml"].weight == pytest.approx(1.0 * WISH_BOOST)  # optional, but the learner needs it
    assert by_skill["ml"].relation == RelationType.OPTIONAL
    assert by_skill["sql"].weight == pytest.approx(1.0)
    # Readiness over the new weights: sql (1.0) covered of 1.0 + 2.0 + 2.0.
    assert weighted.readiness == pytest.approx(1.0 / 5.0, abs=1e-4)
    assert weighted.gaps[0].skill_id in {"gis", "ml"}
    assert weight_by_wishes(plain, frozenset()) is plain
