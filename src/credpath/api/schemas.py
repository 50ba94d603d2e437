"""Request bodies (msgspec): the limits here are enforced before any handler runs (400 on violation)."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from credpath.vocabulary import CREDENTIAL_KINDS

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
    "PostingBatchCreate",
    "PostingCreate",
    "PostingPatch",
    "PostingSkillBody",
    "RecommendationRequest",
    "RolesRequest",
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
# The enum is documentation for generated clients; an unknown kind is refused by the recommendation service,
# with a 422 that names it and lists these (a msgspec Literal would answer a terse 400 instead).
Kind = Annotated[str, msgspec.Meta(min_length=1, max_length=200, extra_json_schema={"enum": sorted(CREDENTIAL_KINDS)})]
Kinds = Annotated[list[Kind], msgspec.Meta(max_length=50)]


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
    title: (
        Annotated[
            str,
            msgspec.Meta(
                min_length=1,
                max_length=300,
                description=(
                    "A job title as the learner types it, matched to an ESCO occupation (echoed with its score). "
                    "When it reads alike to several, the learner's text chooses among the close ones; under 0.65 "
                    "the answer is a 422 with candidates to send back as occupation_id."
                ),
            ),
        ]
        | None
    ) = None
    posting_id: SkillId | None = None
    skills: SkillIds | None = None


class ConstraintsBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Budget and filters."""

    max_credentials: Annotated[int, msgspec.Meta(ge=1, le=20)] | None = None
    max_hours: Annotated[float, msgspec.Meta(gt=0, le=100_000)] | None = None
    max_cost: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] | None = None
    # ISO 4217 code of max_cost (default: the deployment's, CREDPATH_CURRENCY); credentials priced in another
    # currency count as of unknown cost for the budget.
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | None = None
    kinds: Kinds | None = None
    providers: Names | None = None
    levels: Names | None = None
    exclude: CredentialIds = msgspec.field(default_factory=list)
    languages: Languages | None = None


class GapsRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A learner (inline or stored) and a target; ``demand``: weight skills by open postings' demand."""

    target: TargetBody
    learner: LearnerBody | None = None
    learner_id: SkillId | None = None
    demand: bool = False


class RecommendationRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A learner (inline or stored), a target, and constraints; ``demand`` as for gaps."""

    target: TargetBody
    learner: LearnerBody | None = None
    learner_id: SkillId | None = None
    demand: bool = False
    constraints: ConstraintsBody = msgspec.field(default_factory=ConstraintsBody)


class RolesRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A learner, inline or stored (exactly one), whose closest roles to find."""

    learner: LearnerBody | None = None
    learner_id: SkillId | None = None


class LearnerCreate(LearnerBody, forbid_unknown_fields=True, kw_only=True):
    """A new learner profile, optionally with skills given as in ``LearnerBody``."""

    name: Name | None = None
    discoverable: bool = False


class LearnerPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields to change."""

    name: Name | None = None
    discoverable: bool | None = None
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


# --- employers (issue 12) -----------------------------------------------------------------------------------

Description = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2_000)]
Importance = Literal["essential", "optional"]
MAX_BATCH_POSTINGS = 100


class PostingSkillBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A skill the employer names: an ESCO id (URI or UUID) and how much the role needs it."""

    skill_id: SkillId
    importance: Importance = "essential"


PostingSkills = Annotated[list[PostingSkillBody], msgspec.Meta(max_length=200)]


class PostingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A job posting: its description's skills are extracted; ``skills`` are taken as given."""

    title: Title
    description: Description
    location: Name | None = None
    url: Url | None = None
    skills: PostingSkills = msgspec.field(default_factory=list)
    occupation_id: SkillId | None = None
    status: Literal["open", "closed"] = "open"
    visibility: Literal["private", "public"] = "private"


class PostingBatchCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Up to 100 postings, stored all together or not at all."""

    postings: Annotated[list[PostingCreate], msgspec.Meta(min_length=1, max_length=MAX_BATCH_POSTINGS)]


class PostingPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields to change, and corrections to the skill list (they survive re-extraction of a new description).

    ``add_skills`` adds a skill or changes its importance; ``remove_skills`` removes one for good.
    """

    title: Title | None = None
    description: Description | None = None
    location: Name | None = None
    url: Url | None = None
    occupation_id: SkillId | None = None
    status: Literal["open", "closed"] | None = None
    visibility: Literal["private", "public"] | None = None
    add_skills: PostingSkills = msgspec.field(default_factory=list)
    remove_skills: SkillIds = msgspec.field(default_factory=list)
