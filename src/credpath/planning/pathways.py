"""Pathway planning: choose credentials that close the most weighted gap within a budget, then order them.

The objective is a budgeted maximum-coverage problem. Each gap skill ``s`` has a weight ``w_s`` and a
remaining share ``g_s`` (1 − coverage). A credential ``j`` that teaches ``s`` with confidence ``q_js``
closes ``a_js = q_js * g_s`` of it; several credentials add up, capped at ``g_s``:

    maximise  sum_s w_s * min(g_s, sum_j a_js x_j)
    subject to  sum_j x_j <= max_credentials,  sum_j hours_j x_j <= max_hours,  sum_j cost_j x_j <= max_cost

Algorithm: cost-effective greedy (largest marginal gain per unit of the tightest budget it uses) with
the best single credential as a fallback — Khuller, Moss and Naor's budgeted maximum coverage, which
guarantees at least (1 − 1/√e) ≈ 0.39 of the optimum under one budget and (1 − 1/e) ≈ 0.63 when only
the number of credentials is limited — followed by 1-swap local search, which keeps feasibility and
never lowers the objective. The planning benchmark compares it with the exact integer optimum.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Budget", "Offer", "PlanResult", "Step", "coverage_value", "order_steps", "plan_pathway"]

_LEVEL_RANK = {"beginner": 0, "mixed": 1, "intermediate": 1, "advanced": 2}
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Offer:
    """A credential that could be taken: its size and the gap skills it teaches with confidence."""

    credential_id: str
    teaches: Mapping[str, float]
    hours: float | None = None
    cost: float | None = None
    level: str | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits on the pathway; ``None`` means unlimited."""

    max_credentials: int | None = None
    max_hours: float | None = None
    max_cost: float | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """A chosen credential and the gap it closes per skill (``gain`` is weighted share closed)."""

    credential_id: str
    covers: dict[str, float]
    gain: float


@dataclass(frozen=True, slots=True)
class PlanResult:
    """Chosen credentials in learning order, the weighted gap they close, and what no offer covers."""

    steps: list[Step]
    closed: float
    uncovered: list[str] = field(default_factory=list)


def coverage_value(chosen: Sequence[Offer], gaps: Mapping[str, tuple[float, float]]) -> tuple[float, dict[str, float]]:
    """Objective value of a set of offers and the closed share per skill.

    Args:
        chosen: offers taken.
        gaps: skill → (weight, remaining share 0–1).
    """
    closed: dict[str, float] = {}
    for offer in chosen:
        for skill, confidence in offer.teaches.items():
            if skill in gaps:
                _weight, remaining = gaps[skill]
                closed[skill] = min(remaining, closed.get(skill, 0.0) + confidence * remaining)
    return sum(gaps[s][0] * v for s, v in closed.items()), closed


def _fits(chosen: Sequence[Offer], budget: Budget) -> bool:
    if budget.max_credentials is not None and len(chosen) > budget.max_credentials:
        return False
    if budget.max_hours is not None and sum(o.hours or 0.0 for o in chosen) > budget.max_hours + _EPSILON:
        return False
    return not (budget.max_cost is not None and sum(o.cost or 0.0 for o in chosen) > budget.max_cost + _EPSILON)


def _price(offer: Offer, budget: Budget) -> float:
    """Share of the tightest budget an offer uses (1 per credential when only a count is limited)."""
    shares = [1.0 / budget.max_credentials] if budget.max_credentials else []
    if budget.max_hours:
        shares.append((offer.hours or 0.0) / budget.max_hours)
    if budget.max_cost:
        shares.append((offer.cost or 0.0) / budget.max_cost)
    # Unlimited in every dimension: rank by gain alone, with a tiny size preference to break ties.
    return max(shares) if shares else 1.0 + (offer.hours or 0.0) * 1e-6


def _greedy(offers: Sequence[Offer], gaps: Mapping[str, tuple[float, float]], budget: Budget) -> list[Offer]:
    chosen: list[Offer] = []
    value = 0.0
    remaining = list(offers)
    while remaining:
        best, best_ratio, best_value = None, 0.0, value
        for offer in remaining:
            if not _fits([*chosen, offer], budget):
                continue
            new_value, _ = coverage_value([*chosen, offer], gaps)
            gain = new_value - value
            ratio = gain / max(_price(offer, budget), _EPSILON)
            if gain > _EPSILON and ratio > best_ratio:
                best, best_ratio, best_value = offer, ratio, new_value
        if best is None:
            break
        chosen.append(best)
        remaining.remove(best)
        value = best_value
    return chosen


def _local_search(
    chosen: list[Offer], offers: Sequence[Offer], gaps: Mapping[str, tuple[float, float]], budget: Budget
) -> list[Offer]:
    value, _ = coverage_value(chosen, gaps)
    improved = True
    rounds = 0
    while improved and rounds < 20:
        improved, rounds = False, rounds + 1
        outside = [o for o in offers if o not in chosen]
        for index in range(len(chosen) + 1):
            for candidate in outside:
                trial = (
                    [*chosen[:index], candidate, *chosen[index + 1 :]] if index < len(chosen) else [*chosen, candidate]
                )
                if not _fits(trial, budget):
                    continue
                trial_value, _ = coverage_value(trial, gaps)
                if trial_value > value + 1e-7:
                    chosen, value, improved = trial, trial_value, True
                    break
            if improved:
                break
    # Drop credentials that no longer add anything (a swap may have made one redundant).
    return [
        o
        for o in chosen
        if coverage_value(chosen, gaps)[0] - coverage_value([c for c in chosen if c is not o], gaps)[0] > _EPSILON
    ]


def plan_pathway(
    gaps: Mapping[str, tuple[float, float]],
    offers: Sequence[Offer],
    budget: Budget,
    *,
    prerequisites: Mapping[str, frozenset[str]] | None = None,
) -> PlanResult:
    """Pick and order credentials closing the most weighted gap within ``budget``.

    Args:
        gaps: gap skill → (weight, remaining share 0–1).
        offers: candidate credentials (already filtered by kind, provider, level and exclusions).
        budget: limits.
        prerequisites: skill → skills it builds on (ESCO essential skill–skill relations), for ordering.

    Returns:
        Ordered steps, the weighted gap closed, and gap skills no offer teaches at all.

    Example:
        >>> offers = [Offer("a", {"sql": 0.9}, hours=10), Offer("b", {"sql": 0.5, "excel": 0.9}, hours=5)]
        >>> result = plan_pathway({"sql": (1.0, 1.0), "excel": (0.4, 1.0)}, offers, Budget(max_credentials=1))
        >>> [s.credential_id for s in result.steps], round(result.closed, 2)
        (['a'], 0.9)
    """
    useful = [o for o in offers if any(skill in gaps and q > 0 for skill, q in o.teaches.items())]
    greedy = _greedy(useful, gaps, budget)
    singles = [[o] for o in useful if _fits([o], budget)]
    best_single = max(singles, key=lambda s: coverage_value(s, gaps)[0], default=[])
    if coverage_value(best_single, gaps)[0] > coverage_value(greedy, gaps)[0]:
        greedy = best_single
    chosen = _local_search(greedy, useful, gaps, budget)
    ordered = order_steps(chosen, prerequisites or {})
    steps: list[Step] = []
    taken: list[Offer] = []
    for offer in ordered:
        before, closed_before = coverage_value(taken, gaps)
        taken.append(offer)
        after, closed_after = coverage_value(taken, gaps)
        covers = {
            skill: round(gaps[skill][0] * (closed_after.get(skill, 0.0) - closed_before.get(skill, 0.0)), 4)
            for skill in offer.teaches
            if skill in gaps and closed_after.get(skill, 0.0) - closed_before.get(skill, 0.0) > _EPSILON
        }
        steps.append(Step(offer.credential_id, covers, round(after - before, 4)))
    taught = {skill for offer in useful for skill in offer.teaches}
    closed, _ = coverage_value(chosen, gaps)
    return PlanResult(steps, round(closed, 6), sorted(skill for skill in gaps if skill not in taught))


def order_steps(chosen: Sequence[Offer], prerequisites: Mapping[str, frozenset[str]]) -> list[Offer]:
    """Order so a credential teaching a prerequisite of another's skills comes first, then by level.

    Ties (and cycles, which ESCO's relations can form) fall back to level, then fewer hours first.
    """

    def rank(offer: Offer) -> tuple[int, float, str]:
        return (_LEVEL_RANK.get(offer.level or "", 1), offer.hours or 0.0, offer.credential_id)

    remaining = sorted(chosen, key=rank)
    ordered: list[Offer] = []
    while remaining:
        for offer in remaining:
            needs = {p for skill in offer.teaches for p in prerequisites.get(skill, frozenset())}
            blocked = any(
                other is not offer
                and needs & set(other.teaches)
                and not ({p for s in other.teaches for p in prerequisites.get(s, frozenset())} & set(offer.teaches))
                for other in remaining
            )
            if not blocked:
                break
        else:
            offer = remaining[0]
        ordered.append(offer)
        remaining.remove(offer)
    return ordered
