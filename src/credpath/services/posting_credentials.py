"""What signals a posting's skills: the credentials teaching each, and a small set covering the most of them.

The covering set is the learners' pathway planner (``services.recommendations.recommend``) run for a learner
who holds nothing, against the posting as target: the same budgeted maximum coverage, offer filters and
abstention, so an employer sponsoring upskilling sees what a learner would be advised.
"""

from sqlmodel import Session

from credpath.planning.pathways import PATHWAY_ALGORITHM
from credpath.services import views
from credpath.services.access import Caller
from credpath.services.learners import LearnerSpec
from credpath.services.postings import require_posting
from credpath.services.recommendations import ConstraintSpec, TargetSpec, recommend
from credpath.services.semantic import SemanticService
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import postings as posting_repo
from credpath.vocabulary import Evidence, RelationType, Scope

__all__ = ["posting_credentials"]

# Credentials listed per skill: the most confident ones; the covering set is where choices are made.
PER_SKILL = 10


def posting_credentials(
    session: Session,
    semantic: SemanticService,
    caller: Caller,
    posting_id: str,
    *,
    max_credentials: int = 3,
    languages: tuple[str, ...] | None = None,
) -> views.PostingCredentials:
    """Per posting skill, the credentials teaching it (confidence, evidence); and a covering set of credentials.

    Raises:
        PermissionDeniedError: a key without ``postings:read``.
        NotFoundError: no such posting in the caller's organisation.
    """
    caller.require(Scope.POSTINGS_READ)
    posting = require_posting(session, caller.tenant, posting_id)
    rows = posting_repo.posting_skill_rows(session, caller.tenant, [posting.id])[posting.id]
    teachers: dict[str, list[views.TeachingCredential]] = {}
    for t in credential_repo.skill_teachers(session, [row.skill_id for row, _label in rows]):
        listed = teachers.setdefault(t.skill_id, [])
        if len(listed) < PER_SKILL:
            listed.append(
                views.TeachingCredential(
                    credential_id=t.credential_id,
                    title=t.title,
                    provider=t.provider,
                    kind=t.kind,
                    level=t.level,
                    hours=t.hours,
                    url=t.url,
                    source=Evidence(t.source),
                    confidence=round(t.confidence, 4),
                    evidence=t.evidence,
                )
            )
    skills = [
        views.SkillTeachers(
            skill_id=row.skill_id,
            label=label,
            importance=RelationType(row.relation_type),
            credentials=teachers.get(row.skill_id, []),
        )
        for row, label in rows
    ]
    if not rows:
        return views.PostingCredentials(
            posting_id=posting.id,
            skills=[],
            covering_set=[],
            covered_share=0.0,
            uncovered=[],
            algorithm=PATHWAY_ALGORITHM,
        )
    plan = recommend(
        session,
        semantic,
        TargetSpec(posting_id=posting.id),
        ConstraintSpec(max_credentials=max_credentials, languages=languages),
        learner=LearnerSpec(),
        caller=caller,
    )
    return views.PostingCredentials(
        posting_id=posting.id,
        skills=skills,
        covering_set=plan.pathway.steps,
        covered_share=plan.pathway.readiness_after,
        uncovered=plan.pathway.uncovered,
        algorithm=plan.algorithm,
    )
