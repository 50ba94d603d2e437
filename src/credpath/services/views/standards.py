"""Open-standard imports and the learner wallet: what an import did, and a learner's badges."""

from datetime import datetime

import msgspec

from credpath.vocabulary import BadgeFormat, BadgeStatus, CatalogFormat, Evidence, LinkingStatus

__all__ = [
    "BadgeBatch",
    "BadgeView",
    "CatalogImport",
    "DeclaredAlignmentView",
    "ImportedCredentialView",
    "ImportedSkillView",
]


class DeclaredAlignmentView(msgspec.Struct, frozen=True, kw_only=True):
    """An alignment the issuer declared, exactly as published."""

    target_type: str
    target_url: str | None
    target_code: str | None
    target_name: str | None
    target_framework: str | None


class ImportedSkillView(msgspec.Struct, frozen=True, kw_only=True):
    """An ESCO skill an imported credential teaches: declared by the issuer, or linked by credpath's scorer.

    ``source`` ``declared``: confidence 1.0, evidence ``declared_by_issuer``. ``inferred``: the alignment
    scorer's calibrated confidence, and its evidence in words (which tag, title phrase or description
    sentence proposed the skill, and how well it matched).
    """

    skill_id: str
    label: str
    source: Evidence
    confidence: float
    evidence: str | None


class ImportedCredentialView(msgspec.Struct, frozen=True, kw_only=True):
    """One credential of an import: its credpath id, the issuer's key, and whether the import changed it.

    ``linking`` says whether credpath's scorer has read this version of the credential's free text
    (``competencies``, tags, title, description); ``skills`` are its ESCO skills as now stored.
    """

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
    linking: LinkingStatus
    skills: list[ImportedSkillView]


class CatalogImport(msgspec.Struct, frozen=True, kw_only=True):
    """What a catalogue import did: every credential, and counts of created, updated and unchanged ones.

    Declared ESCO skills are served at once; free-text ``competencies`` are linked during the import by the
    alignment scorer the last ``credpath build-index`` fitted, with its calibrated confidence. Without built
    models ``linking`` is ``pending`` (``linking_detail`` says why) and the next build links them.
    """

    format: CatalogFormat
    org_id: str
    created: int
    updated: int
    unchanged: int
    linking: LinkingStatus
    linking_detail: str | None
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
