"""The credential catalogue: listings and one credential with its aligned skills."""

from datetime import datetime

import msgspec

from credpath.services.views.standards import DeclaredAlignmentView
from credpath.vocabulary import Evidence

__all__ = ["CredentialDetail", "CredentialPage", "CredentialSkillView", "CredentialSummary"]


class CredentialSummary(msgspec.Struct, frozen=True, kw_only=True):
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


class CredentialSkillView(msgspec.Struct, frozen=True, kw_only=True):
    """An ESCO skill a credential teaches, with how credpath knows it."""

    skill_id: str
    label: str
    source: Evidence
    confidence: float
    evidence: str


class CredentialDetail(msgspec.Struct, frozen=True, kw_only=True):
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
    # Imported (OB 3.0, CTDL) credentials: the owning organisation, the issuer's id and its declared alignments.
    org_id: str | None = None
    issuer_id: str | None = None
    declared_alignments: list[DeclaredAlignmentView] = msgspec.field(default_factory=list)


class CredentialPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of credentials."""

    items: list[CredentialSummary]
    total: int
    limit: int
    offset: int
