"""Learners, gap analysis and recommendations."""

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlmodel import Session

from credpath.api.schemas import (
    ConstraintsBody,
    GapsRequest,
    LearnerBody,
    LearnerCreate,
    LearnerPatch,
    LearnerSkillsAdd,
    RecommendationRequest,
    TargetBody,
)
from credpath.errors import InvalidInputError
from credpath.services import learners, learning
from credpath.services.semantic import SemanticService
from credpath.services.views import GapResponse, LearnerSkillView, LearnerView, RecommendationResponse

__all__ = ["LearnerController", "PlanningController"]

LearnerId = Annotated[str, PathParameter(min_length=1, max_length=64)]


def _target(body: TargetBody) -> learning.TargetSpec:
    skills = tuple(body.skills) if body.skills is not None else None
    return learning.TargetSpec(body.occupation_id, body.title, body.posting_id, skills)


def _constraints(body: ConstraintsBody) -> learning.ConstraintSpec:
    def opt(values: list[str] | None) -> tuple[str, ...] | None:
        return tuple(values) if values is not None else None

    return learning.ConstraintSpec(
        body.max_credentials,
        body.max_hours,
        body.max_cost,
        opt(body.kinds),
        opt(body.providers),
        opt(body.levels),
        tuple(body.exclude),
    )


def _learner(session: Session, learner: LearnerBody | None, learner_id: str | None) -> learning.LearnerSpec:
    if (learner is None) == (learner_id is None):
        raise InvalidInputError("give exactly one of learner (inline) or learner_id (stored)")
    if learner_id is not None:
        return learning.stored_learner(session, learner_id)
    assert learner is not None  # noqa: S101 - exactly one is set, checked above
    return learning.LearnerSpec(tuple(learner.skills), learner.text, tuple(learner.credentials), learner.proficiency)


class PlanningController(Controller):
    """Gap analysis and pathways."""

    tags = ("planning",)

    @post("/gaps", status_code=200, sync_to_thread=True, summary="Gap analysis of a learner against a target")
    def gaps(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        data: JSONBody[GapsRequest],
    ) -> GapResponse:
        """Each required skill with weight, coverage and status, and the weighted readiness."""
        learner = _learner(session, data.learner, data.learner_id)
        return learning.analyse_gaps(session, semantic, learner, _target(data.target))

    @post("/recommendations", status_code=200, sync_to_thread=True, summary="Next credential and pathway")
    def recommendations(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        data: JSONBody[RecommendationRequest],
    ) -> RecommendationResponse:
        """The single best next credential, alternatives, and an ordered pathway within the constraints."""
        learner = _learner(session, data.learner, data.learner_id)
        return learning.recommend(session, semantic, learner, _target(data.target), _constraints(data.constraints))


class LearnerController(Controller):
    """Stored learner profiles."""

    path = "/learners"
    tags = ("learners",)

    @post("/", sync_to_thread=True, summary="Create a learner")
    def create(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        data: JSONBody[LearnerCreate],
    ) -> LearnerView:
        """Skills may be given as ESCO ids, free text, or credentials already held; 201 with the profile."""
        return learners.create_learner(
            session,
            semantic,
            name=data.name,
            opted_in=data.opted_in,
            skills=data.skills,
            text=data.text,
            credentials=data.credentials,
            proficiency=data.proficiency,
        )

    @get("/{learner_id:str}", sync_to_thread=True, summary="One learner")
    def read(self, session: NamedDependency[Session], learner_id: LearnerId) -> LearnerView:
        """The profile with skills and evidence."""
        return learners.get_learner(session, learner_id)

    @patch("/{learner_id:str}", sync_to_thread=True, summary="Update a learner")
    def update(
        self, session: NamedDependency[Session], learner_id: LearnerId, data: JSONBody[LearnerPatch]
    ) -> LearnerView:
        """Change the name or the employer opt-in."""
        return learners.update_learner(session, learner_id, name=data.name, opted_in=data.opted_in)

    @delete("/{learner_id:str}", sync_to_thread=True, summary="Delete a learner", status_code=204)
    def remove(self, session: NamedDependency[Session], learner_id: LearnerId) -> None:
        """Delete the learner and everything stored about them."""
        learners.delete_learner(session, learner_id)

    @get("/{learner_id:str}/skills", sync_to_thread=True, summary="A learner's skills")
    def skills(self, session: NamedDependency[Session], learner_id: LearnerId) -> list[LearnerSkillView]:
        """Skills with evidence (verified credential > declared > inferred from text) and proficiency."""
        return learners.get_learner(session, learner_id).skills

    @post("/{learner_id:str}/skills", status_code=200, sync_to_thread=True, summary="Add skills to a learner")
    def add_skills(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        learner_id: LearnerId,
        data: JSONBody[LearnerSkillsAdd],
    ) -> LearnerView:
        """Add skills by ESCO id, free text or held credentials; stronger evidence is never downgraded."""
        return learners.add_skills(
            session,
            semantic,
            learner_id,
            skills=data.skills,
            text=data.text,
            credentials=data.credentials,
            proficiency=data.proficiency,
        )

    @delete("/{learner_id:str}/skills/{skill_id:path}", sync_to_thread=True, status_code=200, summary="Remove a skill")
    def remove_skill(
        self,
        session: NamedDependency[Session],
        learner_id: LearnerId,
        skill_id: Annotated[str, PathParameter(max_length=300)],
    ) -> LearnerView:
        """Remove one skill (ESCO URI, URL-encoded, or its UUID)."""
        return learners.remove_skill(session, learner_id, skill_id)

    @get("/{learner_id:str}/recommendations", sync_to_thread=True, summary="Recommendations for a stored learner")
    def recommendations(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        learner_id: LearnerId,
        occupation_id: Annotated[str | None, QueryParameter(max_length=300)] = None,
        title: Annotated[str | None, QueryParameter(max_length=300)] = None,
        max_credentials: Annotated[int | None, QueryParameter(ge=1, le=20)] = None,
        max_hours: Annotated[float | None, QueryParameter(gt=0, le=100_000)] = None,
    ) -> RecommendationResponse:
        """Same answer as POST /v1/recommendations with ``learner_id`` and an occupation or title target."""
        learner = learning.stored_learner(session, learner_id)
        target = learning.TargetSpec(occupation_id=occupation_id, title=title)
        constraints = learning.ConstraintSpec(max_credentials=max_credentials, max_hours=max_hours)
        return learning.recommend(session, semantic, learner, target, constraints)
