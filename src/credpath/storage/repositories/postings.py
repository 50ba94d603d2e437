"""Job postings: the skills a stored posting asks for."""

from sqlalchemy import select
from sqlmodel import Session, col

from credpath.storage.tables import JobPosting, PostingSkill

__all__ = ["posting_skills"]


def posting_skills(session: Session, posting_id: str) -> list[tuple[str, str]] | None:
    """(skill, relation) of a stored job posting, or None when the posting does not exist."""
    if session.get(JobPosting, posting_id) is None:
        return None
    query = select(col(PostingSkill.skill_id), col(PostingSkill.relation_type)).where(
        col(PostingSkill.posting_id) == posting_id
    )
    return [(skill, relation) for skill, relation in session.execute(query)]
