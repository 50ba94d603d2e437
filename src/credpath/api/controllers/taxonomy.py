"""ESCO skills and ESCO/O*NET occupations."""

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from sqlmodel import Session

from credpath.api.auth import public_read
from credpath.api.openapi import problems
from credpath.services import taxonomy as taxonomy_service
from credpath.services.views import OccupationDetail, OccupationPage, SkillDetail, SkillPage

__all__ = ["OccupationController", "SkillController"]

Query = Annotated[str | None, QueryParameter(description="words that must all appear in a label", max_length=200)]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="page size")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="items to skip")]


class SkillController(Controller):
    """ESCO skills."""

    path = "/skills"
    tags = ("skills",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", sync_to_thread=True, summary="Search ESCO skills by label", responses=problems(400))
    def list_skills(
        self, session: NamedDependency[Session], q: Query = None, limit: Limit = 20, offset: Offset = 0
    ) -> SkillPage:
        """Lexical search over preferred and alternative labels; exact label matches first."""
        return taxonomy_service.list_skills(session, q, limit, offset)

    @get(
        "/{skill_id:path}",
        sync_to_thread=True,
        summary="One ESCO skill with hierarchy and related skills",
        responses=problems(400, 404),
    )
    def get_skill(
        self, session: NamedDependency[Session], skill_id: Annotated[str, PathParameter(max_length=300)]
    ) -> SkillDetail:
        """``skill_id`` is the ESCO URI, URL-encoded, or just its UUID tail."""
        return taxonomy_service.get_skill(session, skill_id)


class OccupationController(Controller):
    """ESCO and O*NET occupations."""

    path = "/occupations"
    tags = ("occupations",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", sync_to_thread=True, summary="Search occupations by title", responses=problems(400))
    def list_occupations(
        self,
        session: NamedDependency[Session],
        q: Query = None,
        taxonomy: Annotated[
            Literal["esco", "onet"] | None, QueryParameter(description="restrict to one taxonomy")
        ] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> OccupationPage:
        """Lexical search over ESCO labels and O*NET titles and alternate titles."""
        return taxonomy_service.list_occupations(session, q, taxonomy, limit, offset)

    @get(
        "/{occupation_id:path}",
        sync_to_thread=True,
        summary="One occupation with its skill profile",
        responses=problems(400, 404),
    )
    def get_occupation(
        self, session: NamedDependency[Session], occupation_id: Annotated[str, PathParameter(max_length=300)]
    ) -> OccupationDetail:
        """``occupation_id`` is an ESCO URI (URL-encoded, or its UUID tail) or an O*NET-SOC code."""
        return taxonomy_service.get_occupation(session, occupation_id)
