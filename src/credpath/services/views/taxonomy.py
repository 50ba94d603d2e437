"""Read models returned by the services and serialised as-is by the API (snake_case JSON).

msgspec Structs, never table objects: the wire format stays stable when the schema moves.
"""

from datetime import datetime

import msgspec

__all__ = [
    "ConceptRef",
    "CredentialDetail",
    "CredentialPage",
    "CredentialSkillView",
    "CredentialSummary",
    "CrosswalkLink",
    "DatasetState",
    "EscoProfile",
    "ExtractionResponse",
    "GapItem",
    "GapResponse",
    "Health",
    "IndexState",
    "LearnerSkillView",
    "LearnerView",
    "NextCredential",
    "OccupationDetail",
    "OccupationMatch",
    "OccupationMatchResponse",
    "OccupationMatchResult",
    "OccupationPage",
    "OccupationSkillEntry",
    "OccupationSummary",
    "OnetRating",
    "Pathway",
    "PathwayStep",
    "ProfileLink",
    "ProfileSkill",
    "RecommendationResponse",
    "RelatedSkill",
    "SkillDetail",
    "SkillMatch",
    "SkillMatchResponse",
    "SkillMatchResult",
    "SkillMention",
    "SkillPage",
    "SkillSummary",
    "StepSkill",
    "TargetEcho",
    "TechnologySkillView",
    "UncoveredSkill",
]


class SkillSummary(msgspec.Struct, frozen=True):
    """A skill in a listing."""

    id: str
    label: str
    skill_type: str | None
    reuse_level: str | None
    description: str


class ConceptRef(msgspec.Struct, frozen=True):
    """A node of the skills hierarchy: ``kind`` is ``skill`` or ``skill_group``."""

    id: str
    label: str
    kind: str


class RelatedSkill(msgspec.Struct, frozen=True):
    """An ESCO skill–skill relation seen from one skill."""

    id: str
    label: str
    relation_type: str
    direction: str


class SkillDetail(msgspec.Struct, frozen=True):
    """Everything credpath knows about one ESCO skill."""

    id: str
    label: str
    alt_labels: list[str]
    description: str
    definition: str | None
    scope_note: str | None
    skill_type: str | None
    reuse_level: str | None
    collections: list[str]
    broader: list[ConceptRef]
    narrower: list[ConceptRef]
    related: list[RelatedSkill]
    occupation_count: dict[str, int]


class SkillPage(msgspec.Struct, frozen=True):
    """A page of skills."""

    items: list[SkillSummary]
    total: int
    limit: int
    offset: int


class OccupationSummary(msgspec.Struct, frozen=True):
    """An occupation in a listing."""

    id: str
    taxonomy: str
    label: str
    code: str | None
    isco_group: str | None
    description: str


class OccupationSkillEntry(msgspec.Struct, frozen=True):
    """One ESCO skill of an occupation's profile."""

    skill_id: str
    label: str
    skill_type: str | None
    relation_type: str


class OnetRating(msgspec.Struct, frozen=True):
    """An O*NET skill or knowledge rating: importance 1–5, level 0–7."""

    element_id: str
    name: str
    domain: str
    importance: float | None
    level: float | None
    not_relevant: bool


class TechnologySkillView(msgspec.Struct, frozen=True):
    """A technology O*NET lists for an occupation."""

    example: str
    commodity_title: str | None
    hot_technology: bool
    in_demand: bool


class CrosswalkLink(msgspec.Struct, frozen=True):
    """An occupation in the other taxonomy, linked through the ESCO↔O*NET crosswalk."""

    occupation_id: str
    label: str
    taxonomy: str
    confidence: float | None
    resolution: str | None


class ProfileLink(msgspec.Struct, frozen=True):
    """An ESCO occupation an O*NET occupation borrows skills from, and how it was linked."""

    occupation_id: str
    label: str
    method: str
    score: float | None


class ProfileSkill(msgspec.Struct, frozen=True):
    """A skill of a borrowed ESCO profile; ``share`` = fraction of linked ESCO occupations listing it."""

    skill_id: str
    label: str
    relation_type: str
    share: float


class EscoProfile(msgspec.Struct, frozen=True):
    """The ESCO skill profile of an O*NET occupation, through the crosswalk or the nearest ESCO occupation."""

    via: list[ProfileLink]
    essential_skills: list[ProfileSkill]
    optional_skills: list[ProfileSkill]


class OccupationDetail(msgspec.Struct, frozen=True):
    """An occupation with its skill profile and its links to the other taxonomy."""

    id: str
    taxonomy: str
    label: str
    alt_labels: list[str]
    description: str
    code: str | None
    isco_group: str | None
    job_zone: int | None
    broader: list[str]
    essential_skills: list[OccupationSkillEntry]
    optional_skills: list[OccupationSkillEntry]
    onet_ratings: list[OnetRating]
    technology_skills: list[TechnologySkillView]
    crosswalk: list[CrosswalkLink]
    esco_profile: EscoProfile | None = None


class OccupationPage(msgspec.Struct, frozen=True):
    """A page of occupations."""

    items: list[OccupationSummary]
    total: int
    limit: int
    offset: int


class CredentialSummary(msgspec.Struct, frozen=True):
    """A credential in a listing."""

    id: str
    title: str
    provider: str
    kind: str
    level: str | None
    duration_hours: float | None
    cost: float | None
    currency: str | None
    language: str | None
    url: str | None
    source: str


class CredentialSkillView(msgspec.Struct, frozen=True):
    """An ESCO skill a credential teaches, with how credpath knows it."""

    skill_id: str
    label: str
    source: str
    confidence: float
    evidence: str


class CredentialDetail(msgspec.Struct, frozen=True):
    """One credential with everything its catalogue published and its aligned skills."""

    id: str
    title: str
    provider: str
    platform: str | None
    kind: str
    level: str | None
    duration_hours: float | None
    duration_text: str | None
    cost: float | None
    currency: str | None
    language: str | None
    url: str | None
    description: str | None
    subjects: list[str]
    skill_tags: list[str]
    programs: list[str]
    rating: float | None
    review_count: int | None
    enrolled: int | None
    credit_eligible: bool | None
    source: str
    canonical_key: str
    active: bool
    updated_at: datetime
    skills: list[CredentialSkillView]


class CredentialPage(msgspec.Struct, frozen=True):
    """A page of credentials."""

    items: list[CredentialSummary]
    total: int
    limit: int
    offset: int


class DatasetState(msgspec.Struct, frozen=True):
    """A loaded source."""

    name: str
    version: str | None
    loaded_at: datetime
    content_hash: str


class IndexState(msgspec.Struct, frozen=True):
    """State of the embedding indexes: ``ready``, ``stale`` (data changed since the build) or ``absent``."""

    state: str
    detail: str
    indexes: dict[str, str] = msgspec.field(default_factory=dict)
    encoder: str | None = None


class Health(msgspec.Struct, frozen=True):
    """Service health: database reachable, data loaded, index state."""

    status: str
    database: bool
    data_loaded: bool
    counts: dict[str, int]
    datasets: list[DatasetState]
    index: IndexState


class SkillMatch(msgspec.Struct, frozen=True):
    """A ranked skill."""

    skill_id: str
    label: str
    score: float


class SkillMatchResult(msgspec.Struct, frozen=True):
    """Ranked skills for one input text."""

    matches: list[SkillMatch]


class SkillMatchResponse(msgspec.Struct, frozen=True):
    """One result per input text, in input order."""

    results: list[SkillMatchResult]


class SkillMention(msgspec.Struct, frozen=True):
    """A skill found in a text: the phrase that names it, its sentence, offsets, score."""

    skill_id: str
    label: str
    score: float
    text: str
    start: int
    end: int
    sentence: str


class ExtractionResponse(msgspec.Struct, frozen=True):
    """Skill mentions in reading order; ``threshold`` is the calibrated minimum score applied."""

    mentions: list[SkillMention]
    threshold: float


class OccupationMatch(msgspec.Struct, frozen=True):
    """A ranked occupation."""

    occupation_id: str
    label: str
    taxonomy: str
    score: float


class OccupationMatchResult(msgspec.Struct, frozen=True):
    """Ranked occupations for one input title."""

    matches: list[OccupationMatch]


class OccupationMatchResponse(msgspec.Struct, frozen=True):
    """One result per input title, in input order."""

    results: list[OccupationMatchResult]


class TargetEcho(msgspec.Struct, frozen=True):
    """What the target resolved to (a title is normalised to an occupation, echoed with its score)."""

    kind: str
    occupation_id: str | None
    label: str | None
    taxonomy: str | None
    score: float | None
    requirements: int


class GapItem(msgspec.Struct, frozen=True):
    """One required skill, its weight, and how the learner covers it."""

    skill_id: str
    label: str
    relation: str
    weight: float
    coverage: float
    status: str
    match: str | None
    via_skill_id: str | None


class GapResponse(msgspec.Struct, frozen=True):
    """Gap analysis: readiness (weighted coverage, 0–1) and every requirement, heaviest gaps first."""

    target: TargetEcho
    readiness: float
    covered: int
    partial: int
    missing: int
    items: list[GapItem]


class StepSkill(msgspec.Struct, frozen=True):
    """A gap skill a step closes; ``gain`` is the weighted share of the gap it closes."""

    skill_id: str
    label: str
    gain: float


class PathwayStep(msgspec.Struct, frozen=True):
    """One credential of the pathway, with what it closes and why it is there."""

    credential_id: str
    title: str
    provider: str
    kind: str
    level: str | None
    hours: float | None
    cost: float | None
    url: str | None
    covers: list[StepSkill]
    gain: float
    reason: str


class UncoveredSkill(msgspec.Struct, frozen=True):
    """A gap skill that no credential in the catalogue (within the constraints) teaches."""

    skill_id: str
    label: str
    weight: float


class Pathway(msgspec.Struct, frozen=True):
    """Ordered steps, readiness before and after, totals, and what stays uncovered."""

    steps: list[PathwayStep]
    readiness_before: float
    readiness_after: float
    total_hours: float
    total_cost: float | None
    uncovered: list[UncoveredSkill]


class NextCredential(msgspec.Struct, frozen=True):
    """The single best next credential and a few alternatives."""

    credential: PathwayStep | None
    alternatives: list[PathwayStep]


class RecommendationResponse(msgspec.Struct, frozen=True):
    """What to earn next, and the whole pathway."""

    target: TargetEcho
    next: NextCredential
    pathway: Pathway
    algorithm: str


class LearnerSkillView(msgspec.Struct, frozen=True):
    """A skill a learner holds, with its evidence."""

    skill_id: str
    label: str
    evidence: str
    proficiency: float | None
    source_credential_id: str | None


class LearnerView(msgspec.Struct, frozen=True):
    """A stored learner profile."""

    id: str
    name: str | None
    opted_in: bool
    skills: list[LearnerSkillView]
    credentials: list[str]
    created_at: datetime
    updated_at: datetime
