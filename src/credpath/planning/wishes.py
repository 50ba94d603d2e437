"""Weighting a gap analysis by what the learner says they want to learn or lack.

An adviser starts from what the person asks for: a manual tester who writes "Want to move into test
automation" should be sent to test automation first, not to the testing foundations they already know. The
skills a learner's text names inside a wish or a denial (``skills.experience.unheld_spans``) are matched to the
target's requirements: the same skill, or the requirement whose preferred label reads most alike
(cosine >= :data:`WISH_SIMILARITY`, so "health informatics" asks for *medical informatics* while "CPC" read as
*pay-per-click* asks for nothing a clinical coder needs). Each requirement asked for weighs::

    max(weight, 1.0) x WISH_BOOST

as much as two essential skills, whatever the taxonomy's relation: ESCO calls *utilise machine learning*
optional for an ICT intelligent systems designer because not every such job needs it, and this learner has
said they do. The relation itself stays the taxonomy's, so an optional skill asked for still cannot alone make
a step (``planning.offers.MIN_ESSENTIAL_GAIN``). Readiness is recomputed with the new weights, as with demand
(``planning.demand``). Chosen on the 63 personas (README, *Session 41*).
"""

from collections.abc import Sequence
from dataclasses import replace

from credpath.planning.gaps import GapAnalysis

__all__ = ["WISH_BOOST", "WISH_SIMILARITY", "asked_requirements", "weight_by_wishes"]

WISH_BOOST = 2.0
WISH_SIMILARITY = 0.7


def asked_requirements(
    named: Sequence[str], requirement_ids: Sequence[str], similarity: Sequence[Sequence[float]]
) -> frozenset[str]:
    """The requirements the skills ``named`` in a learner's wishes ask for.

    Args:
        named: skills the learner's text names in a wish or a denial.
        requirement_ids: the target's requirements.
        similarity: cosine between each named skill (rows) and each requirement (columns).

    Example:
        >>> asked_requirements(["gis", "ppc"], ["gis", "ehr"], [[1.0, 0.1], [0.1, 0.08]])
        frozenset({'gis'})
        >>> sorted(asked_requirements(["health informatics"], ["medical informatics", "ehr"], [[0.88, 0.5]]))
        ['medical informatics']
    """
    required = set(requirement_ids)
    asked: set[str] = set()
    for skill, row in zip(named, similarity, strict=True):
        if skill in required:
            asked.add(skill)
            continue
        if not row:
            continue
        best = max(range(len(row)), key=row.__getitem__)
        if row[best] >= WISH_SIMILARITY:
            asked.add(requirement_ids[best])
    return frozenset(asked)


def weight_by_wishes(analysis: GapAnalysis, asked: frozenset[str]) -> GapAnalysis:
    """The same analysis with each requirement asked for weighing ``max(weight, 1) x`` :data:`WISH_BOOST`.

    Example:
        >>> from credpath.planning.gaps import HeldSkill, Requirement, compute_gaps
        >>> required = [Requirement("a"), Requirement("b", "optional")]
        >>> plain = compute_gaps(required, [HeldSkill("a", "verified")], parents={})
        >>> weighted = weight_by_wishes(plain, frozenset({"b"}))
        >>> plain.readiness, weighted.readiness, [g.weight for g in weighted.items]
        (0.7143, 0.3333, [1.0, 2.0])
    """
    if not asked:
        return analysis
    items = [
        replace(item, weight=round(max(item.weight, 1.0) * WISH_BOOST, 6)) if item.skill_id in asked else item
        for item in analysis.items
    ]
    return GapAnalysis.of(items)
