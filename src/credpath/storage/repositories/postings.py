"""Job postings and their skills; demand counts over open postings.

Every function that reads or writes one organisation's postings takes the caller's
:class:`~credpath.storage.tenancy.TenantScope` and filters on it, as the learners repository does: another
organisation's posting is simply not found, whatever the verb. A learner may also *target* a posting that its
organisation made public (:func:`target_posting_skills`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, delete, func, select
from sqlmodel import Session, col

from credpath.storage.tables import JobPosting, PostingSkill, Skill
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import PostingStatus, PostingVisibility, RelationType

__all__ = [
    "DemandRow",
    "add_posting",
    "delete_posting",
    "demand_counts",
    "get_posting",
    "get_posting_by_ref",
    "list_postings",
    "posting_skill_rows",
    "put_posting_skills",
    "remove_posting_skills",
    "target_posting_skills",
]


@dataclass(frozen=True, slots=True)
class DemandRow:
    """How many open postings ask for a skill, and how many of them as essential."""

    skill_id: str
    label: str
    postings: int
    essential: int


def _visible(tenant: TenantScope, posting_id: str) -> ColumnElement[bool]:
    return (col(JobPosting.id) == posting_id) & tenant.owns(col(JobPosting.org_id))


def get_posting(
    session: Session, tenant: TenantScope, posting_id: str, *, for_update: bool = False
) -> JobPosting | None:
    """One posting, if the scope sees it; ``for_update`` locks its row until the transaction ends (PostgreSQL)."""
    query = select(JobPosting).where(_visible(tenant, posting_id))
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def get_posting_by_ref(session: Session, tenant: TenantScope, external_ref: str) -> JobPosting | None:
    """The scope's posting with this external reference (idempotent loaders), if any."""
    query = select(JobPosting).where(
        (col(JobPosting.external_ref) == external_ref) & tenant.owns(col(JobPosting.org_id))
    )
    return session.scalars(query).first()


def list_postings(
    session: Session,
    tenant: TenantScope,
    *,
    status: str | None,
    occupation_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[JobPosting], int]:
    """A page of the scope's postings, newest first, optionally of one status or occupation; and the total."""
    query = select(JobPosting).where(tenant.owns(col(JobPosting.org_id)))
    if status is not None:
        query = query.where(col(JobPosting.status) == status)
    if occupation_id is not None:
        query = query.where(
            (col(JobPosting.occupation_id) == occupation_id) | (col(JobPosting.onet_occupation_id) == occupation_id)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(col(JobPosting.created_at).desc(), col(JobPosting.id)).limit(limit).offset(offset)
    )
    return list(rows), total


def add_posting(session: Session, tenant: TenantScope, posting: JobPosting) -> None:
    """Insert a posting owned by the scope's organisation (flushed, not committed)."""
    posting.org_id = tenant.org_id
    session.add(posting)
    session.flush()


def delete_posting(session: Session, tenant: TenantScope, posting_id: str) -> bool:
    """Delete a posting with its skills; return whether the scope saw it."""
    posting = get_posting(session, tenant, posting_id)
    if posting is None:
        return False
    session.execute(delete(PostingSkill).where(col(PostingSkill.posting_id) == posting.id))
    session.delete(posting)
    session.flush()
    return True


def posting_skill_rows(
    session: Session, tenant: TenantScope, posting_ids: Sequence[str], *, include_removed: bool = False
) -> dict[str, list[tuple[PostingSkill, str]]]:
    """Skills (with labels) of the scope's postings, by posting; removed tombstones only when asked."""
    if not posting_ids:
        return {}
    visible = select(col(JobPosting.id)).where(
        col(JobPosting.id).in_(list(posting_ids)) & tenant.owns(col(JobPosting.org_id))
    )
    query = (
        select(PostingSkill, col(Skill.preferred_label))
        .join(Skill, col(Skill.id) == col(PostingSkill.skill_id))
        .where(col(PostingSkill.posting_id).in_(visible))
        .order_by(col(PostingSkill.posting_id), col(PostingSkill.relation_type), col(Skill.preferred_label))
    )
    if not include_removed:
        query = query.where(col(PostingSkill.removed).is_(False))
    found: dict[str, list[tuple[PostingSkill, str]]] = {posting_id: [] for posting_id in posting_ids}
    for row, label in session.execute(query):
        found[row.posting_id].append((row, label))
    return found


def put_posting_skills(session: Session, rows: Iterable[PostingSkill]) -> None:
    """Insert or overwrite skills of a posting the caller already holds (flushed)."""
    for row in rows:
        session.merge(row)
    session.flush()


def remove_posting_skills(session: Session, posting_id: str, skill_ids: Iterable[str]) -> None:
    """Delete these skill rows of a posting the caller already holds (flushed)."""
    ids = list(skill_ids)
    if ids:
        session.execute(
            delete(PostingSkill).where(col(PostingSkill.posting_id) == posting_id, col(PostingSkill.skill_id).in_(ids))
        )
        session.flush()


def _targetable(tenant: TenantScope, posting_id: str) -> ColumnElement[bool]:
    return (col(JobPosting.id) == posting_id) & (
        tenant.owns(col(JobPosting.org_id)) | (col(JobPosting.visibility) == PostingVisibility.PUBLIC)
    )


def target_posting_skills(
    session: Session, tenant: TenantScope, posting_id: str
) -> tuple[JobPosting, list[tuple[str, str]]] | None:
    """A posting a learner of the scope may target (own organisation's, or public) and its (skill, importance).

    None when no such posting is visible: another organisation's private posting is not found.
    """
    posting = session.scalars(select(JobPosting).where(_targetable(tenant, posting_id))).first()
    if posting is None:
        return None
    query = select(col(PostingSkill.skill_id), col(PostingSkill.relation_type)).where(
        col(PostingSkill.posting_id) == posting.id, col(PostingSkill.removed).is_(False)
    )
    return posting, [(skill, relation) for skill, relation in session.execute(query)]


def demand_counts(session: Session, *, occupation_id: str | None, limit: int) -> tuple[list[DemandRow], int]:
    """Skills most asked for across open postings (of every organisation), and how many open postings count.

    Demand is an aggregate: it names skills and counts, never a posting or its organisation.
    """
    open_postings = select(col(JobPosting.id)).where(col(JobPosting.status) == PostingStatus.OPEN)
    if occupation_id is not None:
        open_postings = open_postings.where(
            (col(JobPosting.occupation_id) == occupation_id) | (col(JobPosting.onet_occupation_id) == occupation_id)
        )
    total = session.scalar(select(func.count()).select_from(open_postings.subquery())) or 0
    postings = func.count(col(PostingSkill.posting_id))
    essential = func.sum(case((col(PostingSkill.relation_type) == RelationType.ESSENTIAL, 1), else_=0))
    query = (
        select(col(PostingSkill.skill_id), col(Skill.preferred_label), postings, essential)
        .join(Skill, col(Skill.id) == col(PostingSkill.skill_id))
        .where(col(PostingSkill.posting_id).in_(open_postings), col(PostingSkill.removed).is_(False))
        .group_by(col(PostingSkill.skill_id), col(Skill.preferred_label))
        .order_by(postings.desc(), col(Skill.preferred_label))
        .limit(limit)
    )
    rows = [DemandRow(skill, label, int(n), int(e or 0)) for skill, label, n, e in session.execute(query)]
    return rows, total
