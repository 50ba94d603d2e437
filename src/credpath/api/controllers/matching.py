"""Semantic endpoints: skill matching and extraction, job-title normalisation."""

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from credpath.api.auth import public_read
from credpath.api.schemas import OccupationMatchRequest, SkillExtractRequest, SkillMatchRequest
from credpath.services.semantic import SemanticService
from credpath.services.views import ExtractionResponse, OccupationMatchResponse, SkillMatchResponse

__all__ = ["MatchingController"]


class MatchingController(Controller):
    """Text in, standard skills and occupations out."""

    tags = ("matching",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @post("/skills/match", status_code=200, sync_to_thread=True, summary="Rank ESCO skills for texts")
    def match_skills(
        self, semantic: NamedDependency[SemanticService], data: JSONBody[SkillMatchRequest]
    ) -> SkillMatchResponse:
        """One ranked list per text, in order; a text may be a label, a phrase or a sentence."""
        return semantic.match_skills(data.texts, data.top_k)

    @post("/skills/extract", status_code=200, sync_to_thread=True, summary="Find skill mentions in a text")
    def extract_skills(
        self, semantic: NamedDependency[SemanticService], data: JSONBody[SkillExtractRequest]
    ) -> ExtractionResponse:
        """Mentions above a calibrated threshold; boilerplate yields nothing."""
        return semantic.extract_skills(data.text, data.threshold)

    @post("/occupations/match", status_code=200, sync_to_thread=True, summary="Normalise job titles to occupations")
    def match_occupations(
        self, semantic: NamedDependency[SemanticService], data: JSONBody[OccupationMatchRequest]
    ) -> OccupationMatchResponse:
        """Ranked ESCO and/or O*NET occupations per title."""
        return semantic.match_occupations(data.titles, data.top_k, data.taxonomy)
