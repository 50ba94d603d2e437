"""From the aligned catalogue to a recommendation: candidate offers, the plan, alternatives, readiness, totals.

:func:`recommend_pathway` is the whole number-crunching half of a recommendation: it filters the
catalogue to credentials that teach a gap skill within the constraints (one listing per offering),
plans the pathway (``pathways.plan_pathway``), ranks a few alternatives for the next step, and sums
what the pathway costs and how ready it leaves the learner. The service reads the catalogue and the
labels, calls it, and turns the result into the response.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from credpath.planning.gaps import GapAnalysis
from credpath.planning.pathways import Budget, Offer, coverage_value, plan_pathway

__all__ = [
    "ALTERNATIVES",
    "CredentialOffer",
    "OfferCatalogue",
    "OfferFilters",
    "PathwayPlan",
    "PlannedStep",
    "recommend_pathway",
    "select_candidates",
]

# Alternatives to the first step shown beside it.
ALTERNATIVES = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialOffer:
    """An active credential as the planner sees it: what it is, its size, and skill → alignment confidence."""

    id: str
    title: str
    provider: str
    kind: str
    level: str | None
    hours: float | None
    cost: float | None
    reviews: int | None
    canonical_key: str
    url: str | None
    teaches: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class OfferFilters:
    """Which offers a learner accepts; empty means any. Providers compare case-insensitively."""

    kinds: Collection[str] = ()
    providers: Collection[str] = ()
    levels: Collection[str] = ()
    exclude: Collection[str] = ()


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One credential of the plan (or an alternative): gap closed per skill, largest first, and in total."""

    offer: CredentialOffer
    covers: list[tuple[str, float]]
    gain: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayPlan:
    """The ordered steps, the best alternatives to the first, readiness before/after, totals, and the untaught.

    ``uncovered`` holds (gap skill, weight) for gap skills no candidate teaches, heaviest first.
    """

    steps: list[PlannedStep]
    alternatives: list[PlannedStep]
    readiness_before: float
    readiness_after: float
    total_hours: float
    total_cost: float | None
    uncovered: list[tuple[str, float]]


class OfferCatalogue:
    """The aligned catalogue indexed by skill, so a request reads only the offers teaching its gaps.

    Example:
        >>> sql = CredentialOffer(id="c1", title="SQL", provider="U", kind="course", level=None, hours=10.0,
        ...     cost=None, reviews=None, canonical_key="k1", url=None, teaches={"sql": 0.9})
        >>> [offer.id for offer in OfferCatalogue([sql]).teaching(["sql", "excel"])]
        ['c1']
    """

    def __init__(self, offers: Sequence[CredentialOffer]) -> None:
        self.offers = list(offers)
        self._by_skill: dict[str, list[CredentialOffer]] = {}
        for offer in self.offers:
            for skill in offer.teaches:
                self._by_skill.setdefault(skill, []).append(offer)

    def teaching(self, skills: Iterable[str]) -> list[CredentialOffer]:
        """Offers teaching any of ``skills``, each once, in the order the skills first reach them."""
        found: dict[str, CredentialOffer] = {}
        for skill in skills:
            for offer in self._by_skill.get(skill, ()):
                found[offer.id] = offer
        return list(found.values())


def select_candidates(
    offers: Iterable[CredentialOffer],
    gaps: Mapping[str, tuple[float, float]],
    budget: Budget,
    filters: OfferFilters,
) -> list[CredentialOffer]:
    """Offers teaching a gap skill within the filters, each narrowed to the gap skills it teaches.

    An offering listed by several catalogues (same ``canonical_key``) is kept once, as the listing that
    teaches the most gap skills (the first on ties). Under an hours or cost budget, offers of unknown
    size are dropped: a budget can only be respected for credentials whose size is known.
    """
    kinds, levels = set(filters.kinds), set(filters.levels)
    providers = {p.casefold() for p in filters.providers}
    excluded = set(filters.exclude)
    best: dict[str, CredentialOffer] = {}
    for offer in offers:
        if offer.id in excluded or (kinds and offer.kind not in kinds) or (levels and offer.level not in levels):
            continue
        if providers and offer.provider.casefold() not in providers:
            continue
        if (budget.max_hours is not None and offer.hours is None) or (
            budget.max_cost is not None and offer.cost is None
        ):
            continue
        teaches = {s: q for s, q in offer.teaches.items() if s in gaps}
        if not teaches:
            continue
        kept = best.get(offer.canonical_key)
        if kept is None or len(teaches) > len(kept.teaches):
            best[offer.canonical_key] = replace(offer, teaches=teaches)
    return list(best.values())


def _ranked(covers: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(covers.items(), key=lambda kv: -kv[1])


def recommend_pathway(
    analysis: GapAnalysis,
    candidates: Sequence[CredentialOffer],
    budget: Budget,
    *,
    prerequisites: Mapping[str, frozenset[str]] | None = None,
    alternatives: int = ALTERNATIVES,
) -> PathwayPlan:
    """Plan the pathway over ``candidates`` and derive what a recommendation shows.

    Args:
        analysis: the learner's gaps against the target.
        candidates: offers from :func:`select_candidates` (each teaching only gap skills).
        budget: limits on the pathway.
        prerequisites: skill → skills it builds on, for ordering the steps.
        alternatives: how many single credentials to offer beside the first step.

    Example:
        >>> from credpath.planning.gaps import Requirement, compute_gaps
        >>> analysis = compute_gaps([Requirement("sql"), Requirement("excel")], [], parents={})
        >>> sql = CredentialOffer(id="c1", title="SQL", provider="U", kind="course", level=None, hours=10.0,
        ...     cost=None, reviews=None, canonical_key="k1", url=None, teaches={"sql": 0.9})
        >>> plan = recommend_pathway(analysis, [sql], Budget(max_credentials=2))
        >>> [s.offer.id for s in plan.steps], plan.readiness_after, plan.total_hours, plan.uncovered
        (['c1'], 0.45, 10.0, [('excel', 1.0)])
    """
    gaps = analysis.open_gaps
    by_id = {offer.id: offer for offer in candidates}
    offers = [Offer(o.id, o.teaches, o.hours, o.cost, o.level) for o in candidates]
    result = plan_pathway(gaps, offers, budget, prerequisites=prerequisites)
    steps = [PlannedStep(by_id[s.credential_id], _ranked(s.covers), s.gain) for s in result.steps]
    chosen = {s.credential_id for s in result.steps}
    # Alone, an offer closes sum_s w_s * q_s * g_s (confidence <= 1, so no cap binds).
    single_value = {
        o.credential_id: sum(gaps[s][0] * q * gaps[s][1] for s, q in o.teaches.items() if s in gaps) for o in offers
    }
    singles = sorted(
        ((single_value[o.credential_id], o) for o in offers if o.credential_id not in chosen), key=lambda pair: -pair[0]
    )[:alternatives]
    others = []
    for value, offer in singles:
        _, closed = coverage_value([offer], gaps)
        others.append(
            PlannedStep(by_id[offer.credential_id], _ranked({s: gaps[s][0] * v for s, v in closed.items()}), value)
        )
    total_weight = sum(g.weight for g in analysis.items)
    after = analysis.readiness + (result.closed / total_weight if total_weight else 0.0)
    taken = [step.offer for step in steps]
    costs = [offer.cost for offer in taken]
    taught = {skill for offer in candidates for skill in offer.teaches}
    return PathwayPlan(
        steps=steps,
        alternatives=others,
        readiness_before=analysis.readiness,
        readiness_after=round(min(1.0, after), 4),
        total_hours=round(sum(offer.hours or 0.0 for offer in taken), 1),
        total_cost=None if any(c is None for c in costs) else round(sum(c for c in costs if c is not None), 2),
        uncovered=sorted(((s, gaps[s][0]) for s in gaps if s not in taught), key=lambda pair: -pair[1]),
    )
