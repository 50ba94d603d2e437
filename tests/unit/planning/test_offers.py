"""From the aligned catalogue to a recommendation: candidates, the plan, alternatives, readiness, totals."""

from dataclasses import replace

import pytest

from credpath.planning.gaps import HeldSkill, Requirement, compute_gaps
from credpath.planning.offers import (
    CredentialOffer,
    OfferCatalogue,
    OfferFilters,
    recommend_pathway,
    select_candidates,
)
from credpath.planning.pathways import Budget


def _offer(identifier: str, teaches: dict[str, float], **fields: object) -> CredentialOffer:
    base = CredentialOffer(
        id=identifier,
        title=identifier.title(),
        provider="Uni",
        kind="course",
        level="beginner",
        hours=10.0,
        cost=None,
        reviews=None,
        canonical_key=identifier,
        url=None,
        teaches=teaches,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


GAPS = {"sql": (1.0, 1.0), "excel": (0.4, 1.0)}


def test_catalogue_finds_each_offer_once_by_skill() -> None:
    a, b = _offer("a", {"sql": 0.9, "excel": 0.5}), _offer("b", {"excel": 0.8})
    catalogue = OfferCatalogue([a, b])
    assert [o.id for o in catalogue.teaching(["excel", "sql"])] == ["a", "b"]
    assert catalogue.teaching(["welding"]) == []


def test_candidates_respect_the_filters_and_teach_only_gap_skills() -> None:
    offers = [
        _offer("a", {"sql": 0.9, "welding": 0.9}),
        _offer("b", {"excel": 0.8}, kind="degree"),
        _offer("c", {"excel": 0.8}, provider="Other"),
        _offer("d", {"excel": 0.8}, level="advanced"),
        _offer("e", {"sql": 0.8}),
        _offer("f", {"welding": 0.9}),
    ]
    filters = OfferFilters(kinds=["course"], providers=["UNI"], levels=["beginner"], exclude=["e"])
    found = select_candidates(offers, GAPS, Budget(), filters)
    assert [(o.id, dict(o.teaches)) for o in found] == [("a", {"sql": 0.9})]
    assert [o.id for o in select_candidates(offers, GAPS, Budget(), OfferFilters())] == ["a", "b", "c", "d", "e"]


def test_one_listing_per_offering_and_known_sizes_under_a_budget() -> None:
    offers = [
        _offer("coursera", {"sql": 0.9}, canonical_key="google-data"),
        _offer("edx", {"sql": 0.9, "excel": 0.6}, canonical_key="google-data"),
        _offer("again", {"sql": 0.9, "excel": 0.9}, canonical_key="google-data"),
        _offer("unsized", {"excel": 0.9}, hours=None),
        _offer("priced", {"excel": 0.9}, cost=49.0),
    ]
    # The listing teaching the most gap skills wins; the first of equals stays.
    assert [o.id for o in select_candidates(offers, GAPS, Budget(), OfferFilters())] == ["edx", "unsized", "priced"]
    under_hours = select_candidates(offers, GAPS, Budget(max_hours=100), OfferFilters())
    assert [o.id for o in under_hours] == ["edx", "priced"]
    assert [o.id for o in select_candidates(offers, GAPS, Budget(max_cost=100), OfferFilters())] == ["priced"]


def test_recommendation_figures() -> None:
    analysis = compute_gaps(
        [Requirement("sql"), Requirement("excel", "optional"), Requirement("welding"), Requirement("git")],
        [HeldSkill("git", "verified")],
        parents={},
    )
    offers = [
        _offer("sql-course", {"sql": 0.9}, hours=20.0, cost=10.0),
        _offer("sheets", {"excel": 0.8, "sql": 0.3}, hours=5.0, cost=None),
        _offer("sql-2", {"sql": 0.7}, hours=30.0, cost=5.0),
        _offer("sql-3", {"sql": 0.5}, hours=30.0, cost=5.0),
        _offer("sql-4", {"sql": 0.4}, hours=30.0, cost=5.0),
    ]
    plan = recommend_pathway(analysis, offers, Budget(max_credentials=2))
    assert [s.offer.id for s in plan.steps] == ["sheets", "sql-course"]
    # Covers are ranked by gain; a step's gain is its weighted share of the gap closed.
    assert [skill for skill, _ in plan.steps[0].covers] == ["excel", "sql"]
    assert plan.steps[0].gain == pytest.approx(0.3 + 0.4 * 0.8, abs=1e-4)
    # Alternatives: the best single offers not chosen, valued alone.
    assert [(s.offer.id, round(s.gain, 4)) for s in plan.alternatives] == [
        ("sql-2", 0.7),
        ("sql-3", 0.5),
        ("sql-4", 0.4),
    ]
    assert plan.readiness_before == pytest.approx(1.0 / 3.4, abs=1e-4)
    closed = 0.4 * 0.8 + 1.0 * min(1.0, 0.3 + 0.9)
    assert plan.readiness_after == round(plan.readiness_before + closed / 3.4, 4)
    assert plan.total_hours == 25.0
    assert plan.total_cost is None  # one step has no published price
    assert plan.uncovered == [("welding", 1.0)]
    assert recommend_pathway(analysis, offers, Budget(max_credentials=2), alternatives=1).alternatives[0].offer.id == (
        "sql-2"
    )


def test_nothing_to_recommend() -> None:
    analysis = compute_gaps([Requirement("sql")], [], parents={})
    plan = recommend_pathway(analysis, [], Budget(max_credentials=3))
    assert (plan.steps, plan.alternatives, plan.total_hours, plan.total_cost) == ([], [], 0.0, 0)
    assert plan.readiness_after == plan.readiness_before == 0.0
    assert plan.uncovered == [("sql", 1.0)]
