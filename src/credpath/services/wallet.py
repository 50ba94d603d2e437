"""A learner's wallet: Open Badges 3.0 credentials whose proofs are checked before their skills count.

A credential whose proof verifies offline (``eddsa-rdfc-2022`` Data Integrity, or a VC-JWT signed with
``EdDSA``/``ES256``, by the issuer's ``did:key``) makes its achievement's skills the learner's *verified*
skills; one that cannot be checked offline (a ``did:web`` key, an unknown context, no proof) is kept as
*claimed* and its skills count as declared. A tampered, expired or not-yet-valid credential is rejected
and nothing of the submission is stored.

An achievement's skills are the ESCO skills its own ``alignment`` names, plus those of the catalogue
credential imported under the same achievement id (declared or inferred). Deleting a badge removes the
skills that it alone supported, and only those: a skill another badge supports keeps that badge's
evidence, and a skill the learner had declared (or that was inferred from their text) before the badge
upgraded it returns to that earlier evidence (the badge remembers it: ``LearnerBadge.superseded``).

Checking proofs (JSON-LD canonicalisation, signature verification) is CPU work that reads nothing
stored: :func:`check_badges` does it before the write transaction, :func:`store_badges` only writes.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from credpath.errors import DocumentError, NotFoundError
from credpath.planning.gaps import EVIDENCE_WEIGHT
from credpath.services import views
from credpath.services.access import Caller, record
from credpath.standards.documents import as_list, text_value
from credpath.standards.proofs import Verification, verify_credential, verify_jwt
from credpath.storage.repositories import badges as badge_repo
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import imports as import_repo
from credpath.storage.repositories import learners as learner_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.repositories.learners import LearnerSkillRow
from credpath.storage.tables import Learner, LearnerBadge
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import (
    ESCO_SKILL_PREFIX,
    AuditAction,
    AuditEntity,
    BadgeFormat,
    BadgeStatus,
    Evidence,
    Scope,
)

__all__ = ["CheckedBadge", "add_badges", "check_badges", "delete_badge", "list_badges", "store_badges"]

CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
BADGE_SOURCE = "badge:"


@dataclass(frozen=True, slots=True)
class CheckedBadge:
    """One submitted credential whose proof has been checked (verified, or claimed when it cannot be)."""

    path: str
    fmt: BadgeFormat
    document: str
    credential: dict[str, Any]
    achievement: dict[str, Any]
    verification: Verification


def _require_learner(session: Session, tenant: TenantScope, learner_id: str) -> Learner:
    learner = learner_repo.get_learner(session, tenant, learner_id, for_update=True)
    if learner is None:
        raise NotFoundError(f"no learner with id {learner_id!r}")
    return learner


def _achievement(credential: dict[str, Any], at: str) -> dict[str, Any]:
    types = {t for t in as_list(credential.get("type")) if isinstance(t, str)}
    if not types & CREDENTIAL_TYPES:
        raise DocumentError(f"{at}.type", "expected an OpenBadgeCredential (or AchievementCredential)")
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict):
        raise DocumentError(f"{at}.credentialSubject.achievement", "the credential names no achievement")
    return achievement


def _check(item: Any, at: str, now: datetime) -> CheckedBadge:
    if isinstance(item, str):
        credential, verification = verify_jwt(item.strip(), now, at)
        return CheckedBadge(at, BadgeFormat.JWT, item.strip(), credential, _achievement(credential, at), verification)
    if not isinstance(item, dict):
        raise DocumentError(at, "expected an OpenBadgeCredential object or a compact VC-JWT string")
    achievement = _achievement(item, at)
    verification = verify_credential(item, now, at)
    document = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return CheckedBadge(at, BadgeFormat.JSON, document, item, achievement, verification)


def _skills(session: Session, checked: CheckedBadge) -> tuple[list[str], str | None]:
    aligned = [
        a.get("targetUrl")
        for a in as_list(checked.achievement.get("alignment"))
        if isinstance(a, dict) and isinstance(a.get("targetUrl"), str) and a["targetUrl"].startswith(ESCO_SKILL_PREFIX)
    ]
    skills = list(dict.fromkeys(s for s in aligned if s))
    key = checked.achievement.get("id")
    catalogue = (
        import_repo.credential_by_key(session, key, checked.verification.issuer) if isinstance(key, str) else None
    )
    if catalogue is not None:
        skills += [row.skill_id for row, _label in credential_repo.credential_skills(session, catalogue.id)]
    known = skill_repo.existing_skill_ids(session, skills)
    return [s for s in dict.fromkeys(skills) if s in known], catalogue.id if catalogue else None


def _view(badge: LearnerBadge) -> views.BadgeView:
    return views.BadgeView(
        id=badge.id,
        status=BadgeStatus(badge.status),
        format=BadgeFormat(badge.format),
        method=badge.method,
        reason=badge.reason,
        issuer=badge.issuer,
        achievement_id=badge.achievement_id,
        achievement_name=badge.achievement_name,
        credential_id=badge.credential_id,
        skills=list(badge.skills or ()),
        created_at=badge.created_at,
    )


def _evidence(status: str) -> Evidence:
    return Evidence.VERIFIED if status == BadgeStatus.VERIFIED else Evidence.DECLARED


def _own_evidence(row: Any) -> dict[str, Any]:
    return {"evidence": row.evidence, "proficiency": row.proficiency, "source": row.source_credential_id}


def _support(session: Session, tenant: TenantScope, learner_id: str, badge: LearnerBadge) -> None:
    """Record a new badge's skills: a skill the learner declared themselves is replaced only by stronger evidence.

    What the badge replaces is remembered on it (``superseded``): the learner's own row, or what the badge
    it takes the skill from remembered, so deleting badges in any order ends at the learner's own evidence.
    """
    evidence = _evidence(badge.status)
    stored = {row.skill_id: row for row, _label in learner_repo.learner_skills(session, tenant, learner_id)}
    holders = {f"{BADGE_SOURCE}{b.id}": b for b in badge_repo.learner_badges(session, learner_id)}
    rows = []
    superseded: dict[str, dict[str, Any]] = {}
    for skill in badge.skills:
        row = stored.get(skill)
        if row is not None:
            mine = (row.source_credential_id or "").startswith(BADGE_SOURCE)
            current, new = EVIDENCE_WEIGHT.get(row.evidence, 0.0), EVIDENCE_WEIGHT[evidence]
            if new < current or (new == current and not mine):
                continue
            if not mine:
                superseded[skill] = _own_evidence(row)
            elif (holder := holders.get(row.source_credential_id or "")) is not None and skill in (
                holder.superseded or {}
            ):
                superseded[skill] = dict((holder.superseded or {})[skill])
        proficiency = row.proficiency if row is not None else None
        rows.append(LearnerSkillRow(skill, evidence, proficiency, f"{BADGE_SOURCE}{badge.id}"))
    badge.superseded = superseded or None
    learner_repo.put_learner_skills(session, tenant, learner_id, rows)


def check_badges(caller: Caller, submission: Any, *, now: datetime | None = None) -> list[CheckedBadge]:
    """Check every proof of a submission (a credential object, a VC-JWT string, or a list of them): no database.

    Raises:
        PermissionDeniedError: a key without ``learners:write``.
        DocumentError: an item is not an Open Badges credential (the JSON path says which).
        ProofError: a proof that does not verify, a key that is not the issuer's, an expired credential.
    """
    caller.require(Scope.LEARNERS_WRITE)
    moment = now or datetime.now(UTC)
    items = list(enumerate(submission)) if isinstance(submission, list) else [(None, submission)]
    if not items:
        raise DocumentError("$", "an empty list holds no credential")
    return [_check(item, "$" if i is None else f"$[{i}]", moment) for i, item in items]


def store_badges(session: Session, caller: Caller, learner_id: str, checked: list[CheckedBadge]) -> views.BadgeBatch:
    """Store checked badges (:func:`check_badges`) and the skills they support, in the caller's transaction.

    Submitting a badge the learner already holds returns the stored one.

    Raises:
        NotFoundError: no learner the caller may see has this id.
    """
    caller.require(Scope.LEARNERS_WRITE)
    tenant = caller.tenant
    learner = _require_learner(session, tenant, learner_id)
    out: list[views.BadgeView] = []
    for entry in checked:
        digest = hashlib.sha256(entry.document.encode()).hexdigest()
        existing = badge_repo.badge_by_digest(session, learner.id, digest)
        if existing is not None:
            out.append(_view(existing))
            continue
        skills, credential_id = _skills(session, entry)
        achievement_id = entry.achievement.get("id")
        badge = LearnerBadge(
            id=uuid.uuid4().hex,
            learner_id=learner.id,
            digest=digest,
            format=entry.fmt.value,
            status=(BadgeStatus.VERIFIED if entry.verification.verified else BadgeStatus.CLAIMED).value,
            method=entry.verification.method,
            reason=entry.verification.reason,
            issuer=entry.verification.issuer,
            achievement_id=achievement_id if isinstance(achievement_id, str) else None,
            achievement_name=text_value(entry.achievement.get("name")),
            credential_id=credential_id,
            skills=skills,
            document=entry.document,
        )
        _support(session, tenant, learner.id, badge)
        badge_repo.add_badge(session, badge)
        out.append(_view(badge))
    learner.updated_at = datetime.now(UTC)
    record(session, caller, AuditAction.UPDATE, AuditEntity.LEARNER, learner.id)
    return views.BadgeBatch(items=out)


def add_badges(
    session: Session, caller: Caller, learner_id: str, submission: Any, *, now: datetime | None = None
) -> views.BadgeBatch:
    """:func:`check_badges` then :func:`store_badges`, in one call (the command line, tests).

    Every proof is checked before anything is written: one tampered credential rejects the submission.

    Raises:
        NotFoundError: no learner the caller may see has this id.
        DocumentError: an item is not an Open Badges credential (the JSON path says which).
        ProofError: a proof that does not verify, a key that is not the issuer's, an expired credential.
    """
    checked = check_badges(caller, submission, now=now)
    return store_badges(session, caller, learner_id, checked)


def list_badges(session: Session, caller: Caller, learner_id: str) -> views.BadgeBatch:
    """A learner's badges, oldest first.

    Raises:
        NotFoundError: no learner the caller may see has this id.
    """
    caller.require(Scope.LEARNERS_READ)
    learner = learner_repo.get_learner(session, caller.tenant, learner_id)
    if learner is None:
        raise NotFoundError(f"no learner with id {learner_id!r}")
    return views.BadgeBatch(items=[_view(b) for b in badge_repo.learner_badges(session, learner.id)])


def delete_badge(session: Session, caller: Caller, learner_id: str, badge_id: str) -> None:
    """Delete a badge and the skills it alone supported (a skill another badge supports falls back to it).

    Raises:
        NotFoundError: no such learner, or the learner holds no such badge.
    """
    caller.require(Scope.LEARNERS_WRITE)
    tenant = caller.tenant
    learner = _require_learner(session, tenant, learner_id)
    badge = badge_repo.delete_badge(session, learner.id, badge_id)
    if badge is None:
        raise NotFoundError(f"learner {learner_id!r} holds no badge {badge_id!r}")
    remaining = badge_repo.learner_badges(session, learner.id)
    mine = f"{BADGE_SOURCE}{badge.id}"
    remembered = badge.superseded or {}
    for row in badge_repo.learner_skill_rows(session, learner.id, list(badge.skills or ())):
        if row.source_credential_id != mine:
            continue  # the learner's own claim, or another badge's: not this badge's to remove
        others = [b for b in remaining if row.skill_id in (b.skills or ())]
        own = remembered.get(row.skill_id)
        if others:
            best = max(others, key=lambda b: EVIDENCE_WEIGHT[_evidence(b.status)])
            if own is not None and row.skill_id not in (best.superseded or {}):
                # The badge that now holds the skill remembers the learner's own evidence in turn.
                best.superseded = {**(best.superseded or {}), row.skill_id: own}
            fallback = LearnerSkillRow(
                row.skill_id, _evidence(best.status), row.proficiency, f"{BADGE_SOURCE}{best.id}"
            )
        elif own is not None:
            fallback = LearnerSkillRow(row.skill_id, str(own["evidence"]), own.get("proficiency"), own.get("source"))
        else:
            learner_repo.delete_learner_skill(session, tenant, learner.id, row.skill_id)
            continue
        learner_repo.put_learner_skills(session, tenant, learner.id, [fallback])
    learner.updated_at = datetime.now(UTC)
    record(session, caller, AuditAction.UPDATE, AuditEntity.LEARNER, learner.id)
