"""Employers' job postings, what comes back for them (credentials, candidates), and demand insights."""

from datetime import datetime
from typing import Literal

import msgspec

from credpath.services.views.recommendations import PathwayStep, UncoveredSkill
from credpath.vocabulary import Evidence, PostingSkillSource, PostingStatus, PostingVisibility, RelationType, Taxonomy

__all__ = [
    "CandidatePage",
    "CandidateView",
    "DemandResponse",
    "DemandSkill",
    "NextForCandidate",
    "OccupationRef",
    "PostingBatch",
    "PostingCredentials",
    "PostingPage",
    "PostingSkillView",
    "PostingView",
    "SkillRef",
    "SkillTeachers",
    "SupplyGap",
    "SupplyGapResponse",
    "TeachingCredential",
]


class OccupationRef(msgspec.Struct, frozen=True, kw_only=True):
    """The occupation a posting was normalised to; ``score`` is the title's cosine (None when the employer chose it)."""

    occupation_id: str
    label: str
    taxonomy: Taxonomy
    score: float | None


class PostingSkillView(msgspec.Struct, frozen=True, kw_only=True):
    """A skill a posting asks for; extracted ones carry the phrase, its offsets in the description and the score."""

    skill_id: str
    label: str
    importance: RelationType
    source: PostingSkillSource
    score: float | None
    phrase: str | None
    start: int | None
    end: int | None


class PostingView(msgspec.Struct, frozen=True, kw_only=True):
    """A stored job posting."""

    id: str
    title: str
    description: str
    location: str | None
    url: str | None
    status: PostingStatus
    visibility: PostingVisibility
    occupation: OccupationRef | None
    onet_occupation: OccupationRef | None
    skills: list[PostingSkillView]
    created_at: datetime
    updated_at: datetime


class PostingPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the organisation's postings."""

    items: list[PostingView]
    total: int
    limit: int
    offset: int


class PostingBatch(msgspec.Struct, frozen=True, kw_only=True):
    """Postings created together, in request order."""

    items: list[PostingView]


class TeachingCredential(msgspec.Struct, frozen=True, kw_only=True):
    """A credential teaching a posting skill: alignment confidence and the evidence for it.

    ``link``: ``alignment`` for a served alignment (its confidence is calibrated on judged pairs),
    ``context`` for a credential about the posting's occupation whose text names the skill, linked for
    this role only as the pathway planner links it (its confidence is the planner's fixed 0.6, not a
    calibrated probability: README, *How far to trust a context link*).
    """

    credential_id: str
    title: str
    provider: str
    kind: str
    level: str | None
    hours: float | None
    url: str | None
    source: Evidence
    confidence: float
    evidence: str
    link: Literal["alignment", "context"] = "alignment"
    language: str | None = None


class SkillTeachers(msgspec.Struct, frozen=True, kw_only=True):
    """One posting skill and the credentials teaching it, most confident first."""

    skill_id: str
    label: str
    importance: RelationType
    credentials: list[TeachingCredential]


class PostingCredentials(msgspec.Struct, frozen=True, kw_only=True):
    """What signals a posting's skills: per skill, who teaches it; and a small set covering the most of them.

    Both lists hold credentials taught in ``languages`` only (asked for in the query, else the request's
    ``Accept-Language``, else English; ``languages_from`` says which).
    """

    posting_id: str
    skills: list[SkillTeachers]
    covering_set: list[PathwayStep]
    covered_share: float
    uncovered: list[UncoveredSkill]
    algorithm: str
    languages: list[str]
    languages_from: str


class SkillRef(msgspec.Struct, frozen=True, kw_only=True):
    """A skill by id and label."""

    skill_id: str
    label: str


class NextForCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """The credential that would close the most of a candidate's weighted gap for the posting."""

    credential_id: str
    title: str
    provider: str
    closes: list[SkillRef]


class CandidateView(msgspec.Struct, frozen=True, kw_only=True):
    """A learner who opted in, under a pseudonym: skills only (no name, no text, no learner id)."""

    candidate_ref: str
    readiness: float
    covered: list[SkillRef]
    partial: list[SkillRef]
    missing: list[SkillRef]
    next_credential: NextForCandidate | None


class CandidatePage(msgspec.Struct, frozen=True, kw_only=True):
    """Discoverable learners ranked by readiness for the posting (ties by reference)."""

    posting_id: str
    items: list[CandidateView]
    total: int
    limit: int
    offset: int


class DemandSkill(msgspec.Struct, frozen=True, kw_only=True):
    """How many open postings ask for a skill; ``share`` of all open postings counted."""

    skill_id: str
    label: str
    postings: int
    essential: int
    share: float


class DemandResponse(msgspec.Struct, frozen=True, kw_only=True):
    """The most-requested skills over open postings (of one occupation, when asked)."""

    occupation_id: str | None
    open_postings: int
    items: list[DemandSkill]


class SupplyGap(msgspec.Struct, frozen=True, kw_only=True):
    """A demanded skill no credential teaches (``credentials`` 0) or teaches only weakly."""

    skill_id: str
    label: str
    postings: int
    share: float
    credentials: int
    best_confidence: float | None


class SupplyGapResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Demanded skills the catalogue does not serve well, most demanded first: what an issuer could build next."""

    open_postings: int
    weak_below: float
    items: list[SupplyGap]
