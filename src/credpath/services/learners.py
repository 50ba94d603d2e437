"""Stored learner profiles: skills with evidence, credentials held, opt-in for employers."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlmodel import Session

from credpath.errors import NotFoundError
from credpath.services import views
from credpath.services.catalog import ESCO_SKILL_PREFIX, expand_id
from credpath.services.learning import LearnerSpec, resolve_held
from credpath.services.semantic import SemanticService
from credpath.storage import repositories as repo
from credpath.storage.tables import Learner

__all__ = ["add_skills", "create_learner", "delete_learner", "get_learner", "remove_skill", "update_learner"]


def _view(session: Session, learner: Learner) -> views.LearnerView:
    skills = [
        views.LearnerSkillView(row.skill_id, label, row.evidence, row.proficiency, row.source_credential_id)
        for row, label in repo.learner_skills(session, learner.id)
    ]
    return views.LearnerView(
        learner.id,
        learner.name,
        learner.opted_in,
        skills,
        sorted(repo.learner_credentials(session, learner.id)),
        learner.created_at,
        learner.updated_at,
    )


def _require(session: Session, learner_id: str) -> Learner:
    learner = repo.get_learner(session, learner_id)
    if learner is None:
        raise NotFoundError(f"no learner with id {learner_id!r}")
    return learner


def add_skills(
    session: Session,
    semantic: SemanticService,
    learner_id: str,
    *,
    skills: Sequence[str] = (),
    text: str | None = None,
    credentials: Sequence[str] = (),
    proficiency: Mapping[str, float] | None = None,
) -> views.LearnerView:
    """Add skills given as ESCO ids (declared), free text (inferred) or held credentials (verified).

    Everything is validated before anything is written, so a bad id changes nothing.
    """
    learner = _require(session, learner_id)
    spec = LearnerSpec(
        skills=tuple(skills), text=text, credentials=tuple(credentials), proficiency=dict(proficiency or {})
    )
    held, held_credentials = resolve_held(session, semantic, spec)
    sources = {expand_id(s, ESCO_SKILL_PREFIX) for s in skills}
    rows = [
        {
            "skill_id": h.skill_id,
            "evidence": h.evidence,
            "proficiency": h.proficiency,
            "source_credential_id": None if h.evidence != "verified" or h.skill_id in sources else "credential",
        }
        for h in held
    ]
    repo.upsert_learner_skills(session, learner.id, rows)
    repo.add_learner_credentials(session, learner.id, sorted(held_credentials))
    learner.updated_at = datetime.now(UTC)
    return _view(session, learner)


def create_learner(
    session: Session,
    semantic: SemanticService,
    *,
    name: str | None,
    opted_in: bool,
    skills: Sequence[str] = (),
    text: str | None = None,
    credentials: Sequence[str] = (),
    proficiency: Mapping[str, float] | None = None,
) -> views.LearnerView:
    """Create a learner, optionally with skills; the whole request fails atomically on a bad id."""
    learner = Learner(id=uuid.uuid4().hex, name=name, opted_in=opted_in)
    repo.add_learner(session, learner)
    return add_skills(
        session, semantic, learner.id, skills=skills, text=text, credentials=credentials, proficiency=proficiency
    )


def get_learner(session: Session, learner_id: str) -> views.LearnerView:
    """One learner."""
    return _view(session, _require(session, learner_id))


def update_learner(
    session: Session, learner_id: str, *, name: str | None = None, opted_in: bool | None = None
) -> views.LearnerView:
    """Change name or opt-in."""
    learner = _require(session, learner_id)
    if name is not None:
        learner.name = name
    if opted_in is not None:
        learner.opted_in = opted_in
    learner.updated_at = datetime.now(UTC)
    session.flush()
    return _view(session, learner)


def remove_skill(session: Session, learner_id: str, skill_id: str) -> views.LearnerView:
    """Remove one skill from a learner."""
    learner = _require(session, learner_id)
    if not repo.delete_learner_skill(session, learner.id, expand_id(skill_id, ESCO_SKILL_PREFIX)):
        raise NotFoundError(f"learner {learner_id!r} does not hold skill {skill_id!r}")
    return _view(session, learner)


def delete_learner(session: Session, learner_id: str) -> None:
    """Delete a learner and everything stored about them."""
    repo.delete_learner(session, _require(session, learner_id))
