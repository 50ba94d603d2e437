"""What signals a posting's skills: the credentials teaching each, and a small set covering the most of them.

The covering set is the learners' pathway planner (``services.recommendations.recommend``) run for a learner
who holds nothing, against the posting as target: the same budgeted maximum coverage, offer filters and
abstention, so an employer sponsoring upskilling sees what a learner would be advised.
"""

from collections.abc import Sequence

from sqlmodel import Session

from credpath.planning.offers import title_key
from credpath.planning.pathways import PATHWAY_ALGORITHM
from credpath.services import views
from credpath.services.access import Caller
from credpath.services.learners import LearnerSpec
from credpath.services.postings import require_posting
from credpath.services.recommendations import (
    ConstraintSpec,
    TargetSpec,
    aligned_catalogue,
    recommend,
    role_teachers,
    study_languages,
)
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
    accept_languages: Sequence[str] = (),
) -> views.PostingCredentials:
    """Per posting skill, the credentials teaching it (confidence, evidence); and a covering set of credentials.

    Both list credentials in ``languages`` only, else in the request's ``accept_languages``, else in English,
    as a learner's pathway does: an English posting listing a Spanish course for a skill misleads an employer
    who sponsors it.

    Raises:
        PermissionDeniedError: a key without ``postings:read``.
        NotFoundError: no such posting in the caller's organisation.
    """
    caller.require(Scope.POSTINGS_READ)
    posting = require_posting(session, caller.tenant, posting_id)
    rows = posting_repo.posting_skill_rows(session, caller.tenant, [posting.id])[posting.id]
    skill_ids = [row.skill_id for row, _label in rows]
    constraints = ConstraintSpec(max_credentials=max_credentials, languages=languages)
    studied, studied_from = study_languages(constraints, LearnerSpec(), accept_languages)
    teachers = _teachers(session, semantic, posting.occupation_id, skill_ids, set(studied))
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
            languages=studied,
            languages_from=studied_from,
        )
    plan = recommend(
        session,
        semantic,
        TargetSpec(posting_id=posting.id),
        constraints,
        learner=LearnerSpec(),
        accept_languages=accept_languages,
        caller=caller,
    )
    return views.PostingCredentials(
        posting_id=posting.id,
        skills=skills,
        covering_set=plan.pathway.steps,
        covered_share=plan.pathway.readiness_after,
        uncovered=plan.pathway.uncovered,
        algorithm=plan.algorithm,
        languages=plan.fit.languages,
        languages_from=plan.fit.languages_from,
    )


def _teachers(
    session: Session,
    semantic: SemanticService,
    occupation_id: str | None,
    skill_ids: list[str],
    languages: set[str],
) -> dict[str, list[views.TeachingCredential]]:
    """Per skill, its aligned credentials (most confident first), then those linked to it for the occupation.

    Few alignments are served (those a judged set says are right), so most skills a covering set closes
    are closed through links made in the role's context (``recommendations.role_teachers``); listing only
    alignments would show a skill as taught by nothing while the covering set closes it. An offering listed
    under several ids or providers with one title is listed once (``planning.offers.title_key``). Only
    offerings in ``languages`` are listed (one without a known language counts as English, as in the planner).
    """
    served = credential_repo.skill_teachers(session, skill_ids)
    catalogue = aligned_catalogue(session)
    context = (
        role_teachers(session, semantic, occupation_id, skill_ids, catalogue) if occupation_id and skill_ids else {}
    )
    offers = {o.id: o for o in catalogue.get({*(t.credential_id for t in served), *context})}
    entries = [
        (
            t.skill_id,
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
                language=offer.language if (offer := offers.get(t.credential_id)) is not None else None,
            ),
        )
        for t in served
    ]
    entries += [
        (
            skill_id,
            views.TeachingCredential(
                credential_id=offer.id,
                title=offer.title,
                provider=offer.provider,
                kind=offer.kind,
                level=offer.level,
                hours=offer.hours,
                url=offer.url,
                source=Evidence.INFERRED,
                confidence=confidence,
                evidence="about this posting's occupation, and its title and tags name the skill",
                link="context",
                language=offer.language,
            ),
        )
        for credential_id, links in context.items()
        if (offer := offers.get(credential_id)) is not None
        for skill_id, confidence in links.items()
    ]
    teachers: dict[str, list[views.TeachingCredential]] = {}
    seen: set[tuple[str, str]] = set()
    for skill_id, teacher in entries:
        offer = offers.get(teacher.credential_id)
        if offer is not None and (offer.language or "en") not in languages:
            continue
        key = (skill_id, title_key(offer) if offer is not None else teacher.credential_id)
        listed = teachers.setdefault(skill_id, [])
        if key not in seen and len(listed) < PER_SKILL:
            seen.add(key)
            listed.append(teacher)
    return teachers
