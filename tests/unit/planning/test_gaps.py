"""Gap analysis on small hand-made instances."""

import pytest

from credpath.planning.gaps import (
    HeldSkill,
    Requirement,
    compute_gaps,
    evidence_replaces,
    requirement_weight,
    skills_to_record,
)

PARENTS = {"python": frozenset({"programming"}), "programming": frozenset({"ict"})}


def test_weights_combine_relation_and_importance() -> None:
    assert requirement_weight("essential") == 1.0
    assert requirement_weight("optional") == 0.4
    assert requirement_weight("essential", 0.5) == 0.75


def test_coverage_kinds_and_evidence() -> None:
    requirements = [
        Requirement("sql"),
        Requirement("programming"),
        Requirement("python"),
        Requirement("excel", "optional"),
    ]
    held = [HeldSkill("sql", "verified"), HeldSkill("python", "declared"), HeldSkill("sql", "inferred")]
    analysis = compute_gaps(requirements, held, parents=PARENTS)
    by_id = {item.skill_id: item for item in analysis.items}
    assert (by_id["sql"].coverage, by_id["sql"].match, by_id["sql"].status) == (1.0, "exact", "covered")
    assert by_id["python"].coverage == pytest.approx(0.85)
    # Holding the narrower "python" partly covers "programming": 0.75 x declared 0.85.
    assert (by_id["programming"].match, by_id["programming"].via_skill_id) == ("narrower", "python")
    assert by_id["programming"].coverage == pytest.approx(0.6375)
    assert by_id["programming"].status == "partial"
    assert by_id["excel"].status == "missing"
    expected = (1.0 * 1.0 + 1.0 * 0.6375 + 1.0 * 0.85 + 0.4 * 0.0) / 3.4
    assert analysis.readiness == pytest.approx(expected, abs=1e-4)
    # Heaviest remaining first: excel 0.4 x 1.0 = 0.4 before programming 1.0 x 0.3625.
    assert [g.skill_id for g in analysis.gaps] == ["excel", "programming"]


def test_broader_and_semantic_credit_never_add_up() -> None:
    def similarity(required: list[str], held: list[str]) -> list[list[float]]:
        return [[0.9 if (r, h) == ("python", "scripting") else 0.0 for h in held] for r in required]

    held = [HeldSkill("programming", "verified"), HeldSkill("scripting", "verified")]
    analysis = compute_gaps([Requirement("python")], held, parents=PARENTS, similarity=similarity)
    item = analysis.items[0]
    # Broader: 0.5; semantic at 0.9: 0.5 * 0.6 = 0.3. The best single credit counts, not the sum.
    assert (item.coverage, item.match) == (0.5, "broader")


def test_stronger_evidence_is_never_replaced_by_weaker() -> None:
    assert evidence_replaces("verified", "inferred")
    assert evidence_replaces("declared", "declared")
    assert not evidence_replaces("declared", "verified")
    assert not evidence_replaces("inferred", "declared")
    assert evidence_replaces("inferred", "something-unknown")


def test_skills_to_record_keeps_one_claim_per_skill() -> None:
    held = [
        HeldSkill("sql", "declared", 0.5),
        HeldSkill("sql", "inferred"),
        HeldSkill("sql", "verified", 0.9, "cred-1"),
        HeldSkill("sql", "verified", 0.7, "cred-2"),
        HeldSkill("git", "inferred"),
        HeldSkill("excel", "declared"),
    ]
    recorded = skills_to_record({"git": "verified", "excel": "inferred"}, held)
    assert [(h.skill_id, h.evidence, h.proficiency, h.credential_id) for h in recorded] == [
        ("sql", "verified", 0.7, "cred-2"),
        ("excel", "declared", None, None),
    ]


def test_counts_and_open_gaps() -> None:
    analysis = compute_gaps(
        [Requirement("sql"), Requirement("python"), Requirement("excel", "optional")],
        [HeldSkill("sql", "verified"), HeldSkill("programming", "declared")],
        parents={"python": frozenset({"programming"})},
    )
    assert analysis.counts == {"covered": 1, "partial": 1, "missing": 1}
    assert analysis.open_gaps == {"python": (1.0, pytest.approx(0.575)), "excel": (0.4, 1.0)}
