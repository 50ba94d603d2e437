"""ESCO skills and ESCO/O*NET occupations: listings, details and skill profiles."""

import msgspec

from credpath.vocabulary import RelationType, Taxonomy

__all__ = [
    "ConceptRef",
    "CrosswalkLink",
    "EscoProfile",
    "OccupationDetail",
    "OccupationPage",
    "OccupationSkillEntry",
    "OccupationSummary",
    "OnetRating",
    "ProfileLink",
    "ProfileSkill",
    "RelatedSkill",
    "SkillDetail",
    "SkillPage",
    "SkillSummary",
    "TechnologySkillView",
]


class SkillSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A skill in a listing."""

    id: str
    label: str
    skill_type: str | None
    reuse_level: str | None
    description: str


class ConceptRef(msgspec.Struct, frozen=True, kw_only=True):
    """A node of the skills hierarchy: ``kind`` is ``skill`` or ``skill_group``."""

    id: str
    label: str
    kind: str


class RelatedSkill(msgspec.Struct, frozen=True, kw_only=True):
    """An ESCO skill–skill relation seen from one skill."""

    id: str
    label: str
    relation_type: RelationType
    direction: str


class SkillDetail(msgspec.Struct, frozen=True, kw_only=True):
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


class SkillPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of skills."""

    items: list[SkillSummary]
    total: int
    limit: int
    offset: int


class OccupationSummary(msgspec.Struct, frozen=True, kw_only=True):
    """An occupation in a listing."""

    id: str
    taxonomy: Taxonomy
    label: str
    code: str | None
    isco_group: str | None
    description: str


class OccupationSkillEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One ESCO skill of an occupation's profile."""

    skill_id: str
    label: str
    skill_type: str | None
    relation_type: RelationType


class OnetRating(msgspec.Struct, frozen=True, kw_only=True):
    """An O*NET skill or knowledge rating: importance 1–5, level 0–7."""

    element_id: str
    name: str
    domain: str
    importance: float | None
    level: float | None
    not_relevant: bool


class TechnologySkillView(msgspec.Struct, frozen=True, kw_only=True):
    """A technology O*NET lists for an occupation."""

    example: str
    commodity_title: str | None
    hot_technology: bool
    in_demand: bool


class CrosswalkLink(msgspec.Struct, frozen=True, kw_only=True):
    """An occupation in the other taxonomy, linked through the ESCO↔O*NET crosswalk."""

    occupation_id: str
    label: str
    taxonomy: Taxonomy
    confidence: float | None
    resolution: str | None


class ProfileLink(msgspec.Struct, frozen=True, kw_only=True):
    """An ESCO occupation an O*NET occupation borrows skills from, and how it was linked."""

    occupation_id: str
    label: str
    method: str
    score: float | None


class ProfileSkill(msgspec.Struct, frozen=True, kw_only=True):
    """A skill of a borrowed ESCO profile; ``share`` = fraction of linked ESCO occupations listing it."""

    skill_id: str
    label: str
    relation_type: RelationType
    share: float


class EscoProfile(msgspec.Struct, frozen=True, kw_only=True):
    """The ESCO skill profile of an O*NET occupation, through the crosswalk or the nearest ESCO occupation."""

    via: list[ProfileLink]
    essential_skills: list[ProfileSkill]
    optional_skills: list[ProfileSkill]


class OccupationDetail(msgspec.Struct, frozen=True, kw_only=True):
    """An occupation with its skill profile and its links to the other taxonomy."""

    id: str
    taxonomy: Taxonomy
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


class OccupationPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of occupations."""

    items: list[OccupationSummary]
    total: int
    limit: int
    offset: int
