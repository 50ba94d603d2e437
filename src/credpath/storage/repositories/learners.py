"""Stored learner profiles: skills with their evidence, and credentials held.

Every function takes the caller's :class:`~credpath.storage.tenancy.TenantScope` and every query filters
on it: a learner of another organisation is not found, whatever the verb. This is the one place tenancy
is enforced for learners.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, insert, select, update
from sqlmodel import Session, col

from credpath.storage.tables import Learner, LearnerCredential, LearnerSkill, Skill
from credpath.storage.tenancy import TenantScope

__all__ = [
    "CandidateSkills",
    "LearnerSkillRow",
    "add_learner",
    "add_learner_credentials",
    "delete_learner",
    "delete_learner_skill",
    "discoverable_holders",
    "get_learner",
    "learner_by_name",
    "learner_credentials",
    "learner_evidence",
    "learner_skills",
    "put_learner_skills",
    "write_learner_credentials",
    "write_learner_skills",
]


@dataclass(frozen=True, slots=True)
class LearnerSkillRow:
    """A skill to store for a learner: its evidence, proficiency (0–1) and the credential vouching for it."""

    skill_id: str
    evidence: str
    proficiency: float | None = None
    source_credential_id: str | None = None


def _visible(tenant: TenantScope, learner_id: str) -> ColumnElement[bool]:
    return (col(Learner.id) == learner_id) & tenant.owns(col(Learner.org_id))


def _visible_id(tenant: TenantScope, learner_id: str) -> Select[Any]:
    """The learner's id if the scope sees it (a subquery for the child tables)."""
    return select(col(Learner.id)).where(_visible(tenant, learner_id))


def get_learner(session: Session, tenant: TenantScope, learner_id: str, *, for_update: bool = False) -> Learner | None:
    """One learner, if the scope sees it; ``for_update`` locks its row until the transaction ends (PostgreSQL)."""
    query = select(Learner).where(_visible(tenant, learner_id))
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def learner_skills(session: Session, tenant: TenantScope, learner_id: str) -> list[tuple[LearnerSkillRow, str]]:
    """A learner's skills with labels (none for a learner the scope does not see), by label.

    Plain rows, not ORM objects: every gap, pathway and profile reads all of a learner's skills, and
    building an ORM object per skill cost more than the query (a learner with 100 skills: ~1.3 ms).
    """
    rows = session.execute(
        select(
            col(LearnerSkill.skill_id),
            col(LearnerSkill.evidence),
            col(LearnerSkill.proficiency),
            col(LearnerSkill.source_credential_id),
            col(Skill.preferred_label),
        )
        .join(Skill, col(Skill.id) == col(LearnerSkill.skill_id))
        .where(col(LearnerSkill.learner_id).in_(_visible_id(tenant, learner_id)))
        .order_by(col(Skill.preferred_label))
    )
    return [
        (LearnerSkillRow(skill, evidence, proficiency, source), label)
        for skill, evidence, proficiency, source, label in rows
    ]


def learner_evidence(session: Session, learner: Learner) -> dict[str, str]:
    """Skill id → evidence of a learner already loaded through the caller's scope (no labels, no join)."""
    query = select(col(LearnerSkill.skill_id), col(LearnerSkill.evidence)).where(
        col(LearnerSkill.learner_id) == learner.id
    )
    return {str(skill): str(evidence) for skill, evidence in session.execute(query)}


def learner_credentials(session: Session, tenant: TenantScope, learner_id: str) -> list[str]:
    """Credential ids a learner holds (none for a learner the scope does not see)."""
    query = select(col(LearnerCredential.credential_id)).where(
        col(LearnerCredential.learner_id).in_(_visible_id(tenant, learner_id))
    )
    return list(session.scalars(query))


def add_learner(session: Session, tenant: TenantScope, learner: Learner) -> None:
    """Insert a learner owned by the scope's organisation (flushed, not committed)."""
    learner.org_id = tenant.org_id
    session.add(learner)
    session.flush()


def _require(session: Session, tenant: TenantScope, learner_id: str) -> Learner:
    learner = get_learner(session, tenant, learner_id)
    if learner is None:
        raise LookupError(f"learner {learner_id!r} is not visible to this scope")
    return learner


def put_learner_skills(
    session: Session, tenant: TenantScope, learner_id: str, skills: Sequence[LearnerSkillRow]
) -> None:
    """Insert these skills, or overwrite the stored ones (which evidence may replace which is the caller's rule)."""
    _require(session, tenant, learner_id)
    wanted = [skill.skill_id for skill in skills]
    stored = {
        row.skill_id: row
        for row in session.scalars(
            select(LearnerSkill).where(
                col(LearnerSkill.learner_id) == learner_id, col(LearnerSkill.skill_id).in_(wanted)
            )
        )
    }
    for skill in skills:
        row = stored.get(skill.skill_id)
        if row is None:
            stored[skill.skill_id] = row = LearnerSkill(
                learner_id=learner_id,
                skill_id=skill.skill_id,
                evidence=skill.evidence,
                proficiency=skill.proficiency,
                source_credential_id=skill.source_credential_id,
            )
            session.add(row)
        else:
            row.evidence = skill.evidence
            row.proficiency = skill.proficiency
            row.source_credential_id = skill.source_credential_id
    session.flush()


def add_learner_credentials(
    session: Session, tenant: TenantScope, learner_id: str, credential_ids: Sequence[str]
) -> None:
    """Record credentials a learner holds (idempotent)."""
    _require(session, tenant, learner_id)
    held = set(learner_credentials(session, tenant, learner_id))
    for credential in credential_ids:
        if credential not in held:
            session.add(LearnerCredential(learner_id=learner_id, credential_id=credential))
    session.flush()


def write_learner_skills(
    session: Session, learner: Learner, skills: Sequence[LearnerSkillRow], existing: Collection[str]
) -> None:
    """Insert or overwrite skills of a learner loaded through the caller's scope, in at most two statements.

    ``existing``: the skill ids the learner holds, as read in this transaction (:func:`learner_evidence`).
    For write transactions, where every statement is time the database's write lock is held: no visibility
    check (holding the ``Learner`` is the proof) and no re-read of what the caller has read.
    """
    fields = [
        {
            "learner_id": learner.id,
            "skill_id": skill.skill_id,
            "evidence": skill.evidence,
            "proficiency": skill.proficiency,
            "source_credential_id": skill.source_credential_id,
        }
        for skill in skills
    ]
    session.flush()  # the learner row first: the new skill rows reference it
    if new := [f for f in fields if f["skill_id"] not in existing]:
        session.execute(insert(LearnerSkill), new)
    if changed := [f for f in fields if f["skill_id"] in existing]:
        # Bulk UPDATE by primary key (learner_id, skill_id): one executemany statement.
        session.execute(update(LearnerSkill), changed)


def write_learner_credentials(session: Session, learner: Learner, credential_ids: Collection[str]) -> None:
    """Record credentials a learner loaded through the caller's scope holds; ids it already holds are skipped."""
    if not credential_ids:
        return
    held = set(
        session.scalars(
            select(col(LearnerCredential.credential_id)).where(col(LearnerCredential.learner_id) == learner.id)
        )
    )
    if new := sorted(set(credential_ids) - held):
        session.execute(insert(LearnerCredential), [{"learner_id": learner.id, "credential_id": c} for c in new])


def delete_learner_skill(session: Session, tenant: TenantScope, learner_id: str, skill_id: str) -> bool:
    """Remove one skill; return whether it was there (False for a learner the scope does not see)."""
    result = session.execute(
        delete(LearnerSkill).where(
            col(LearnerSkill.learner_id).in_(_visible_id(tenant, learner_id)),
            col(LearnerSkill.skill_id) == skill_id,
        )
    )
    session.flush()
    return bool(getattr(result, "rowcount", 0))


def delete_learner(session: Session, tenant: TenantScope, learner_id: str) -> bool:
    """Delete a learner with their skills and credentials; return whether the scope saw them."""
    learner = get_learner(session, tenant, learner_id)
    if learner is None:
        return False
    for model in (LearnerSkill, LearnerCredential):
        session.execute(delete(model).where(col(model.learner_id) == learner.id))
    session.delete(learner)
    session.flush()
    return True


@dataclass(frozen=True, slots=True)
class CandidateSkills:
    """What a discoverable learner holds: (skill, evidence, proficiency) rows and held credential ids."""

    learner_id: str
    skills: tuple[tuple[str, str, float | None], ...]
    credentials: tuple[str, ...]


def discoverable_holders(session: Session, skill_ids: Collection[str]) -> list[CandidateSkills]:
    """Every discoverable learner, of any organisation, who holds at least one of ``skill_ids``.

    Deliberately not filtered by tenant: ``discoverable`` is the learner's consent to be found by any
    employer. The caller must never pass the learner id on (candidates are shown under a pseudonym).
    """
    if not skill_ids:
        return []
    wanted = set(skill_ids)
    # One scan of the discoverable learners' skills, filtered here: an IN over the (often thousands of)
    # related skills, or a nested IN over holders, made SQLite take 9–20 s for 10,000 learners.
    skills: dict[str, list[tuple[str, str, float | None]]] = {}
    # Core rows (session.connection()), not ORM rows: the ORM's per-row loading was a third of the time.
    rows = (
        session.connection()
        .execute(
            select(
                col(LearnerSkill.learner_id),
                col(LearnerSkill.skill_id),
                col(LearnerSkill.evidence),
                col(LearnerSkill.proficiency),
            )
            .join(Learner, col(Learner.id) == col(LearnerSkill.learner_id))
            .where(col(Learner.discoverable).is_(True))
        )
        .all()
    )
    for learner_id, skill_id, evidence, proficiency in rows:
        skills.setdefault(learner_id, []).append((skill_id, evidence, proficiency))
    skills = {learner: held for learner, held in skills.items() if any(s in wanted for s, _e, _p in held)}
    held: dict[str, list[str]] = {}
    credentials = (
        session.connection()
        .execute(
            select(col(LearnerCredential.learner_id), col(LearnerCredential.credential_id))
            .join(Learner, col(Learner.id) == col(LearnerCredential.learner_id))
            .where(col(Learner.discoverable).is_(True))
        )
        .all()
    )
    for learner_id, credential_id in credentials:
        if learner_id in skills:
            held.setdefault(learner_id, []).append(credential_id)
    return [
        CandidateSkills(learner_id, tuple(rows_), tuple(held.get(learner_id, ())))
        for learner_id, rows_ in skills.items()
    ]


def learner_by_name(session: Session, tenant: TenantScope, name: str) -> Learner | None:
    """The scope's first learner with this name (the demo loader's idempotency check)."""
    query = select(Learner).where((col(Learner.name) == name) & tenant.owns(col(Learner.org_id)))
    return session.scalars(query.order_by(col(Learner.created_at))).first()
