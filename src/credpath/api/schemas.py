"""Request bodies (msgspec): the limits here are enforced before any handler runs (400 on violation)."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

__all__ = [
    "ConstraintsBody",
    "GapsRequest",
    "KeyCreate",
    "LearnerBody",
    "LearnerCreate",
    "LearnerPatch",
    "LearnerSkillsAdd",
    "OccupationMatchRequest",
    "OrganisationCreate",
    "RecommendationRequest",
    "SkillExtractRequest",
    "SkillMatchRequest",
    "TargetBody",
]

# A request may carry at most 256 texts of at most 20,000 characters each (MAX_TEXTS, MAX_TEXT_CHARS).
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
Texts = Annotated[list[Text], msgspec.Meta(min_length=1, max_length=256)]
TopK = Annotated[int, msgspec.Meta(ge=1, le=100)]


class SkillMatchRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Texts to link to ESCO skills."""

    texts: Texts
    top_k: TopK = 10


class SkillExtractRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A longer text (job posting, CV, course description) to find skill mentions in."""

    text: Text
    threshold: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] | None = None


class OccupationMatchRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Job titles to normalise to occupations."""

    titles: Texts
    top_k: TopK = 10
    taxonomy: Literal["esco", "onet", "all"] = "all"


SkillId = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
SkillIds = Annotated[list[SkillId], msgspec.Meta(max_length=500)]
CredentialIds = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=300)]], msgspec.Meta(max_length=200)
]
Proficiency = dict[SkillId, Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Language = Annotated[str, msgspec.Meta(pattern="^[a-z]{2}$", description="ISO 639-1 code, e.g. en, es")]
Languages = Annotated[list[Language], msgspec.Meta(min_length=1, max_length=10)]
Level = Literal["beginner", "intermediate", "advanced"]
Names = Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]], msgspec.Meta(max_length=50)]


class LearnerBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A learner given inline: ESCO skill ids, free text, credentials already held."""

    skills: SkillIds = msgspec.field(default_factory=list)
    text: Text | None = None
    credentials: CredentialIds = msgspec.field(default_factory=list)
    proficiency: Proficiency = msgspec.field(default_factory=dict)
    languages: Languages | None = None
    level: Level | None = None


class TargetBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Exactly one of the fields."""

    occupation_id: SkillId | None = None
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None
    posting_id: SkillId | None = None
    skills: SkillIds | None = None


class ConstraintsBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Budget and filters."""

    max_credentials: Annotated[int, msgspec.Meta(ge=1, le=20)] | None = None
    max_hours: Annotated[float, msgspec.Meta(gt=0, le=100_000)] | None = None
    max_cost: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] | None = None
    kinds: Names | None = None
    providers: Names | None = None
    levels: Names | None = None
    exclude: CredentialIds = msgspec.field(default_factory=list)
    languages: Languages | None = None


class GapsRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A learner (inline or stored) and a target."""

    target: TargetBody
    learner: LearnerBody | None = None
    learner_id: SkillId | None = None


class RecommendationRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A learner (inline or stored), a target, and constraints."""

    target: TargetBody
    learner: LearnerBody | None = None
    learner_id: SkillId | None = None
    constraints: ConstraintsBody = msgspec.field(default_factory=ConstraintsBody)


class LearnerCreate(LearnerBody, forbid_unknown_fields=True, kw_only=True):
    """A new learner profile, optionally with skills given as in ``LearnerBody``."""

    name: Name | None = None
    opted_in: bool = False


class LearnerPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields to change."""

    name: Name | None = None
    opted_in: bool | None = None
    languages: Languages | None = None
    level: Level | None = None


class LearnerSkillsAdd(LearnerBody, forbid_unknown_fields=True, kw_only=True):
    """Skills to add to a stored learner: ESCO ids, free text, or held credentials."""


# --- access (issue 11) ------------------------------------------------------------------------------------


class OrganisationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A portal, employer or issuer to register."""

    name: Name
    kind: Literal["portal", "employer", "issuer"]


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new key's scopes and optional expiry (ISO 8601 with a time zone)."""

    scopes: Annotated[
        list[Literal["admin", "learners:read", "learners:write", "postings:read", "postings:write", "catalog:write"]],
        msgspec.Meta(min_length=1, max_length=6),
    ]
    expires_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
