"""ESCO skills and ESCO/O*NET occupations."""

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import Parameter
from sqlmodel import Session

from credpath.services import catalog
from credpath.services.views import OccupationDetail, OccupationPage, SkillDetail, SkillPage

__all__ = ["OccupationController", "SkillController"]

Query = Annotated[str | None, Parameter(description="words that must all appear in a label", max_length=200)]
Limit = Annotated[int, Parameter(ge=1, le=100, description="page size")]
Offset = Annotated[int, Parameter(ge=0, le=1_000_000, description="items to skip")]


class SkillController(Controller):
    """ESCO skills."""

    path = "/skills"
    tags = ("skills",)

    @get("/", sync_to_thread=True, summary="Search ESCO skills by label")
    def list_skills(self, session: Session, q: Query = None, limit: Limit = 20, offset: Offset = 0) -> SkillPage:
        """Lexical search over preferred and alternative labels; exact label matches first."""
        return catalog.list_skills(session, q, limit, offset)

    @get("/{skill_id:path}", sync_to_thread=True, summary="One ESCO skill with hierarchy and related skills")
    def get_skill(self, session: Session, skill_id: str) -> SkillDetail:
        """``skill_id`` is the ESCO URI, URL-encoded, or just its UUID tail."""
        return catalog.get_skill(session, skill_id)


class OccupationController(Controller):
    """ESCO and O*NET occupations."""

    path = "/occupations"
    tags = ("occupations",)

    @get("/", sync_to_thread=True, summary="Search occupations by title")
    def list_occupations(
        self,
        session: Session,
        q: Query = None,
        taxonomy: Literal["esco", "onet"] | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> OccupationPage:
        """Lexical search over ESCO labels and O*NET titles and alternate titles."""
        return catalog.list_occupations(session, q, taxonomy, limit, offset)

    @get("/{occupation_id:path}", sync_to_thread=True, summary="One occupation with its skill profile")
    def get_occupation(self, session: Session, occupation_id: str) -> OccupationDetail:
        """``occupation_id`` is an ESCO URI (URL-encoded, or its UUID tail) or an O*NET-SOC code."""
        return catalog.get_occupation(session, occupation_id)
