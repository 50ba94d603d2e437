"""Gap analysis and recommendations for a learner given inline or stored."""

from typing import Annotated, Literal

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, QueryParameter
from sqlmodel import Session

from credpath.api.auth import public_read
from credpath.api.openapi import problems
from credpath.api.schemas import (
    ConstraintsBody,
    GapsRequest,
    LearnerBody,
    RecommendationRequest,
    RolesRequest,
    TargetBody,
)
from credpath.config import Settings
from credpath.services import recommendations as recommendation_service
from credpath.services import roles as role_service
from credpath.services.access import Caller
from credpath.services.learners import LearnerSpec
from credpath.services.recommendations import ConstraintSpec, TargetSpec
from credpath.services.semantic import SemanticService
from credpath.services.views import GapResponse, RecommendationResponse, RolePage

__all__ = ["PlanningController", "RoleLimit", "RoleOffset", "RoleTaxonomy"]

RoleTaxonomy = Annotated[
    Literal["esco", "onet", "all"], QueryParameter(description="rank ESCO occupations, O*NET ones, or both")
]
RoleLimit = Annotated[int, QueryParameter(ge=1, le=100, description="page size")]
RoleOffset = Annotated[int, QueryParameter(ge=0, le=10_000, description="items to skip")]


def _optional(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values is not None else None


def _target(body: TargetBody) -> TargetSpec:
    return TargetSpec(
        occupation_id=body.occupation_id, title=body.title, posting_id=body.posting_id, skills=_optional(body.skills)
    )


def _constraints(body: ConstraintsBody, currency: str) -> ConstraintSpec:
    return ConstraintSpec(
        max_credentials=body.max_credentials,
        max_hours=body.max_hours,
        max_cost=body.max_cost,
        currency=body.currency or currency,
        kinds=_optional(body.kinds),
        providers=_optional(body.providers),
        levels=_optional(body.levels),
        exclude=tuple(body.exclude),
        languages=_optional(body.languages),
    )


def _learner(body: LearnerBody | None) -> LearnerSpec | None:
    if body is None:
        return None
    return LearnerSpec(
        skills=tuple(body.skills),
        text=body.text,
        credentials=tuple(body.credentials),
        proficiency=body.proficiency,
        languages=tuple(body.languages or ()),
        level=body.level,
    )


class PlanningController(Controller):
    """Gap analysis and pathways: public for an inline learner; a stored one needs ``learners:read``."""

    tags = ("planning",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/gaps",
        status_code=200,
        sync_to_thread=True,
        summary="Gap analysis of a learner against a target",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
    )
    def gaps(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        caller: NamedDependency[Caller],
        data: JSONBody[GapsRequest],
    ) -> GapResponse:
        """Each required skill with weight, coverage and status, and the weighted readiness."""
        return recommendation_service.analyse_gaps(
            session,
            semantic,
            _target(data.target),
            learner=_learner(data.learner),
            learner_id=data.learner_id,
            caller=caller,
            demand=data.demand,
        )

    @post(
        "/recommendations",
        status_code=200,
        sync_to_thread=True,
        summary="Next credential and pathway",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
    )
    def recommendations(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        caller: NamedDependency[Caller],
        settings: NamedDependency[Settings],
        data: JSONBody[RecommendationRequest],
        accept_language: Annotated[
            str | None, HeaderParameter(name="Accept-Language", required=False, max_length=500)
        ] = None,
    ) -> RecommendationResponse:
        """The single best next credential, alternatives, and an ordered pathway within the constraints."""
        return recommendation_service.recommend(
            session,
            semantic,
            _target(data.target),
            _constraints(data.constraints, settings.currency),
            learner=_learner(data.learner),
            learner_id=data.learner_id,
            accept_languages=recommendation_service.parse_accept_language(accept_language),
            caller=caller,
            demand=data.demand,
        )

    @post(
        "/roles",
        status_code=200,
        sync_to_thread=True,
        summary="Roles a learner is closest to",
        operation_id="closestRoles",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
    )
    def roles(
        self,
        session: NamedDependency[Session],
        semantic: NamedDependency[SemanticService],
        caller: NamedDependency[Caller],
        data: JSONBody[RolesRequest],
        taxonomy: RoleTaxonomy = "all",
        limit: RoleLimit = 20,
        offset: RoleOffset = 0,
    ) -> RolePage:
        """ESCO and O*NET occupations ranked by how much of their essential skill set the learner covers."""
        return role_service.closest_roles(
            session,
            semantic,
            learner=_learner(data.learner),
            learner_id=data.learner_id,
            caller=caller,
            taxonomy=taxonomy,
            limit=limit,
            offset=offset,
        )
