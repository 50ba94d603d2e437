"""Open-standard imports and the learner wallet: what an import did, and a learner's badges."""

from datetime import datetime

import msgspec

from credpath.vocabulary import BadgeFormat, BadgeStatus, CatalogFormat

__all__ = [
    "BadgeBatch",
    "BadgeView",
    "CatalogImport",
    "DeclaredAlignmentView",
    "ImportedCredentialView",
]


class DeclaredAlignmentView(msgspec.Struct, frozen=True, kw_only=True):
    """An alignment the issuer declared, exactly as published."""

    target_type: str
    target_url: str | None
    target_code: str | None
    target_name: str | None
    target_framework: str | None


class ImportedCredentialView(msgspec.Struct, frozen=True, kw_only=True):
    """One credential of an import: its credpath id, the issuer's key, and whether the import changed it."""

    id: str
    key: str
    title: str
    status: str
    cost: float | None
    currency: str | None
    duration_hours: float | None
    declared_skills: list[str]
    competencies: list[str]
    alignments: list[DeclaredAlignmentView]


class CatalogImport(msgspec.Struct, frozen=True, kw_only=True):
    """What a catalogue import did: every credential, and counts of created, updated and unchanged ones.

    Free-text ``competencies`` are linked to ESCO skills by the next alignment pass (``credpath build-index``),
    with its calibrated confidence; declared ESCO skills are served at once.
    """

    format: CatalogFormat
    org_id: str
    created: int
    updated: int
    unchanged: int
    credentials: list[ImportedCredentialView]


class BadgeView(msgspec.Struct, frozen=True, kw_only=True):
    """A badge in a learner's wallet and what checking its proof found."""

    id: str
    status: BadgeStatus
    format: BadgeFormat
    method: str
    reason: str | None
    issuer: str | None
    achievement_id: str | None
    achievement_name: str | None
    credential_id: str | None
    skills: list[str]
    created_at: datetime


class BadgeBatch(msgspec.Struct, frozen=True, kw_only=True):
    """The badges of one submission, in the order given (``status`` says verified or claimed for each)."""

    items: list[BadgeView]
