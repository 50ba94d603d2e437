"""Stored learner profiles: skills with their evidence, and credentials held."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session, col

from credpath.storage.tables import Learner, LearnerCredential, LearnerSkill, Skill

__all__ = [
    "LearnerSkillRow",
    "add_learner",
    "add_learner_credentials",
    "delete_learner",
    "delete_learner_skill",
    "get_learner",
    "learner_credentials",
    "learner_skills",
    "put_learner_skills",
]


@dataclass(frozen=True, slots=True)
class LearnerSkillRow:
    """A skill to store for a learner: its evidence, proficiency (0–1) and the credential vouching for it."""

    skill_id: str
    evidence: str
    proficiency: float | None = None
    source_credential_id: str | None = None


def get_learner(session: Session, learner_id: str, *, for_update: bool = False) -> Learner | None:
    """One learner; ``for_update`` locks its row until the transaction ends (PostgreSQL; SQLite locks the file)."""
    return session.get(Learner, learner_id, with_for_update=for_update)


def learner_skills(session: Session, learner_id: str) -> list[tuple[LearnerSkill, str]]:
    """A learner's skills with labels."""
    rows = session.execute(
        select(LearnerSkill, col(Skill.preferred_label))
        .join(Skill, col(Skill.id) == col(LearnerSkill.skill_id))
        .where(col(LearnerSkill.learner_id) == learner_id)
        .order_by(col(Skill.preferred_label))
    )
    return [(row, label) for row, label in rows]


def learner_credentials(session: Session, learner_id: str) -> list[str]:
    """Credential ids a learner holds."""
    query = select(col(LearnerCredential.credential_id)).where(col(LearnerCredential.learner_id) == learner_id)
    return list(session.scalars(query))


def add_learner(session: Session, learner: Learner) -> None:
    """Insert a learner (flushed, not committed)."""
    session.add(learner)
    session.flush()


def put_learner_skills(session: Session, learner_id: str, skills: Sequence[LearnerSkillRow]) -> None:
    """Insert these skills, or overwrite the stored ones (which evidence may replace which is the caller's rule)."""
    stored = {row.skill_id: row for row, _label in learner_skills(session, learner_id)}
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


def add_learner_credentials(session: Session, learner_id: str, credential_ids: Sequence[str]) -> None:
    """Record credentials a learner holds (idempotent)."""
    held = set(learner_credentials(session, learner_id))
    for credential in credential_ids:
        if credential not in held:
            session.add(LearnerCredential(learner_id=learner_id, credential_id=credential))
    session.flush()


def delete_learner_skill(session: Session, learner_id: str, skill_id: str) -> bool:
    """Remove one skill; return whether it was there."""
    row = session.get(LearnerSkill, (learner_id, skill_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def delete_learner(session: Session, learner: Learner) -> None:
    """Delete a learner with their skills and credentials."""
    for model in (LearnerSkill, LearnerCredential):
        session.execute(delete(model).where(col(model.learner_id) == learner.id))
    session.delete(learner)
    session.flush()
