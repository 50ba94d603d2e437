"""Semantic endpoints: skill matching and extraction, job-title normalisation."""

from functools import partial
from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from credpath.api.auth import public_read
from credpath.api.disconnects import while_connected
from credpath.api.openapi import problems
from credpath.api.schemas import OccupationMatchRequest, SkillExtractRequest, SkillMatchRequest
from credpath.services.semantic import SemanticService
from credpath.services.views import ExtractionResponse, OccupationMatchResponse, SkillMatchResponse

__all__ = ["MatchingController"]

AnyRequest = Request[Any, Any, Any]


class MatchingController(Controller):
    """Text in, standard skills and occupations out; the encoding stops when the client disconnects."""

    tags = ("matching",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/skills/match",
        status_code=200,
        summary="Rank ESCO skills for texts",
        responses=problems(400, 413, 415, 422, 503),
    )
    async def match_skills(
        self, request: AnyRequest, semantic: NamedDependency[SemanticService], data: JSONBody[SkillMatchRequest]
    ) -> SkillMatchResponse:
        """One ranked list per text, in order; a text may be a label, a phrase or a sentence."""
        return await while_connected(request, partial(semantic.match_skills, data.texts, data.top_k))

    @post(
        "/skills/extract",
        status_code=200,
        summary="Find skill mentions in a text",
        responses=problems(400, 413, 415, 422, 503),
    )
    async def extract_skills(
        self, request: AnyRequest, semantic: NamedDependency[SemanticService], data: JSONBody[SkillExtractRequest]
    ) -> ExtractionResponse:
        """Mentions above a calibrated threshold; boilerplate yields nothing."""
        return await while_connected(request, partial(semantic.extract_skills, data.text, data.threshold))

    @post(
        "/occupations/match",
        status_code=200,
        summary="Normalise job titles to occupations",
        responses=problems(400, 413, 415, 422, 503),
    )
    async def match_occupations(
        self,
        request: AnyRequest,
        semantic: NamedDependency[SemanticService],
        data: JSONBody[OccupationMatchRequest],
    ) -> OccupationMatchResponse:
        """Ranked ESCO and/or O*NET occupations per title."""
        return await while_connected(
            request, partial(semantic.match_occupations, data.titles, data.top_k, data.taxonomy)
        )
