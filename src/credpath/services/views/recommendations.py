"""Gap analysis and pathways: what the target resolved to, each gap, and the credentials that close them."""

import msgspec

from credpath.vocabulary import GapStatus, MatchKind, RelationType, TargetKind, Taxonomy

__all__ = [
    "GapItem",
    "GapResponse",
    "LearnerFit",
    "NextCredential",
    "Pathway",
    "PathwayStep",
    "RecommendationResponse",
    "StepSkill",
    "TargetEcho",
    "UncoveredSkill",
]


class TargetEcho(msgspec.Struct, frozen=True, kw_only=True):
    """What the target resolved to (a title is normalised to an occupation, echoed with its score)."""

    kind: TargetKind
    occupation_id: str | None
    label: str | None
    taxonomy: Taxonomy | None
    score: float | None
    requirements: int


class GapItem(msgspec.Struct, frozen=True, kw_only=True):
    """One required skill, its weight, and how the learner covers it."""

    skill_id: str
    label: str
    relation: RelationType
    weight: float
    coverage: float
    status: GapStatus
    match: MatchKind | None
    via_skill_id: str | None
    # The learner's text names it as wanted or lacking; it weighs as two essential skills (planning.wishes).
    asked_for: bool = False


class CurrentRole(msgspec.Struct, frozen=True, kw_only=True):
    """The role the learner's text says they hold now, whose essential skills were credited in part.

    ``phrase`` is the words of the text that named it, ``score`` how well they match the occupation's titles;
    each essential skill of the role counts as inferred evidence at ``proficiency``.
    """

    occupation_id: str
    label: str
    phrase: str
    score: float
    proficiency: float


class GapResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Gap analysis: readiness (weighted coverage, 0–1) and every requirement, heaviest gaps first.

    ``current_role``: the role read from the learner's text, if any (its essential skills count in part).
    """

    target: TargetEcho
    readiness: float
    covered: int
    partial: int
    missing: int
    items: list[GapItem]
    demand_used: bool = False
    current_role: CurrentRole | None = None


class StepSkill(msgspec.Struct, frozen=True, kw_only=True):
    """A gap skill a step closes; ``gain`` is the weighted share of the gap it closes.

    ``evidence``: ``alignment`` when a served alignment says the credential teaches it (or a narrower
    skill), ``context`` when it was linked for this target only: the credential is about the target role
    and its text names the skill (README, *What may be a step*).
    """

    skill_id: str
    label: str
    gain: float
    evidence: str = "alignment"


class PathwayStep(msgspec.Struct, frozen=True, kw_only=True):
    """One credential of the pathway, with what it closes and why it is there."""

    credential_id: str
    title: str
    provider: str
    kind: str
    level: str | None
    hours: float | None
    duration_text: str | None = None  # as published ("1 - 3 Months"); ``hours`` is estimated from it
    cost: float | None
    currency: str | None
    url: str | None
    language: str | None
    covers: list[StepSkill]
    gain: float
    reason: str
    # Cosine between the credential and the target role's text (null when the target is not an occupation).
    about_target: float | None = None


class UncoveredSkill(msgspec.Struct, frozen=True, kw_only=True):
    """A gap skill that no credential in the catalogue (within the constraints) teaches."""

    skill_id: str
    label: str
    weight: float


class Pathway(msgspec.Struct, frozen=True, kw_only=True):
    """Ordered steps, readiness before and after, totals, and what stays uncovered.

    Costs are never summed across currencies: ``total_cost`` (in ``currency``) is given when every step's
    price is known and in one currency, else it is null and ``cost_by_currency`` holds the sum per currency.
    Under a cost budget (``max_cost`` in ``budget_currency``), credentials priced in another currency count
    as of unknown cost and are left out; ``priced_in_other_currencies`` says how many teaching a gap were.
    """

    steps: list[PathwayStep]
    readiness_before: float
    readiness_after: float
    total_hours: float
    total_cost: float | None
    currency: str | None
    cost_by_currency: dict[str, float]
    budget_currency: str | None
    priced_in_other_currencies: int
    uncovered: list[UncoveredSkill]
    uncovered_essential: int
    message: str | None


class NextCredential(msgspec.Struct, frozen=True, kw_only=True):
    """The single best next credential and a few alternatives."""

    credential: PathwayStep | None
    alternatives: list[PathwayStep]


class LearnerFit(msgspec.Struct, frozen=True, kw_only=True):
    """Whom the pathway was fitted to: languages studied in (and where from), the level assumed, the role.

    ``current_role``: the role read from the learner's text, whose essential skills count in part.
    """

    languages: list[str]
    languages_from: str
    level: str | None
    level_from: str
    current_role: CurrentRole | None = None


class RecommendationResponse(msgspec.Struct, frozen=True, kw_only=True):
    """What to earn next, and the whole pathway."""

    target: TargetEcho
    next: NextCredential
    pathway: Pathway
    fit: LearnerFit
    algorithm: str
    demand_used: bool = False
