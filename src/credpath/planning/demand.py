"""Weighting a gap analysis by employer demand, bounded so that demand reorders but never removes a skill.

A skill's demand ``share`` is the fraction of open postings (of the target's occupation when it has any, else
all) that ask for it. Its requirement weight becomes::

    weight × (1 + DEMAND_BOOST × share)          share in [0, 1], DEMAND_BOOST = 0.5

so a multiplier in [1, 1.5]: a skill every posting asks for weighs half as much again, a skill none asks for
keeps its weight. Nothing is ever multiplied below 1, so an essential skill is never removed or made lighter
than the taxonomy says; an essential skill (1.0) still outweighs any optional one (0.4 × 1.5 = 0.6), so
demand reorders within a relation, not across. Readiness is recomputed with the new weights.
"""

from collections.abc import Mapping
from dataclasses import replace

from credpath.planning.gaps import GapAnalysis

__all__ = ["DEMAND_BOOST", "demand_multiplier", "weight_by_demand"]

DEMAND_BOOST = 0.5


def demand_multiplier(share: float) -> float:
    """The weight multiplier for a demand share (clamped to 0–1).

    Example:
        >>> demand_multiplier(0.0), demand_multiplier(0.5), demand_multiplier(3.0)
        (1.0, 1.25, 1.5)
    """
    return 1.0 + DEMAND_BOOST * max(0.0, min(1.0, share))


def weight_by_demand(analysis: GapAnalysis, shares: Mapping[str, float]) -> GapAnalysis:
    """The same analysis with every requirement's weight multiplied by its demand multiplier.

    Example:
        >>> from credpath.planning.gaps import HeldSkill, Requirement, compute_gaps
        >>> plain = compute_gaps([Requirement("a"), Requirement("b")], [HeldSkill("a", "verified")], parents={})
        >>> weighted = weight_by_demand(plain, {"b": 1.0})
        >>> plain.readiness, weighted.readiness, [g.weight for g in weighted.items]
        (0.5, 0.4, [1.0, 1.5])
    """
    items = [
        replace(item, weight=round(item.weight * demand_multiplier(shares.get(item.skill_id, 0.0)), 6))
        for item in analysis.items
    ]
    return GapAnalysis.of(items)
