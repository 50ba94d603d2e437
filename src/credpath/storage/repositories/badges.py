"""A learner's Open Badges credentials (the wallet): stored as submitted, with the outcome of their proof check."""

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlmodel import Session, col

from credpath.storage.tables import LearnerBadge, LearnerSkill

__all__ = ["add_badge", "badge_by_digest", "delete_badge", "learner_badges", "learner_skill_rows"]


def learner_badges(session: Session, learner_id: str) -> list[LearnerBadge]:
    """A learner's badges, oldest first (the caller has checked the learner is visible)."""
    query = (
        select(LearnerBadge)
        .where(col(LearnerBadge.learner_id) == learner_id)
        .order_by(col(LearnerBadge.created_at), col(LearnerBadge.id))
    )
    return list(session.scalars(query))


def badge_by_digest(session: Session, learner_id: str, digest: str) -> LearnerBadge | None:
    """The learner's badge submitted with exactly this content, if any (re-submitting is idempotent)."""
    query = select(LearnerBadge).where(col(LearnerBadge.learner_id) == learner_id, col(LearnerBadge.digest) == digest)
    return session.scalars(query).first()


def add_badge(session: Session, badge: LearnerBadge) -> None:
    """Store a badge."""
    session.add(badge)
    session.flush()


def delete_badge(session: Session, learner_id: str, badge_id: str) -> LearnerBadge | None:
    """Delete one of a learner's badges; the deleted row, or None when the learner has no such badge."""
    badge = session.get(LearnerBadge, badge_id)
    if badge is None or badge.learner_id != learner_id:
        return None
    session.execute(delete(LearnerBadge).where(col(LearnerBadge.id) == badge_id))
    session.flush()
    return badge


def learner_skill_rows(session: Session, learner_id: str, skill_ids: Sequence[str]) -> list[LearnerSkill]:
    """The learner's stored rows for these skills."""
    if not skill_ids:
        return []
    query = select(LearnerSkill).where(
        col(LearnerSkill.learner_id) == learner_id, col(LearnerSkill.skill_id).in_(list(skill_ids))
    )
    return list(session.scalars(query))
