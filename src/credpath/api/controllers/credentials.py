"""The credential catalogue."""

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from sqlmodel import Session

from credpath.api.auth import public_read
from credpath.api.controllers.taxonomy import Limit, Offset, Query
from credpath.api.openapi import problems
from credpath.services import credentials as credential_service
from credpath.services.views import CredentialDetail, CredentialPage

__all__ = ["CredentialController"]

Kind = Annotated[
    str | None, QueryParameter(max_length=40, description="e.g. course, specialization, professional_certificate")
]
Level = Annotated[str | None, QueryParameter(max_length=20, description="beginner, intermediate, advanced or mixed")]
Text = Annotated[str | None, QueryParameter(max_length=200)]


class CredentialController(Controller):
    """Micro-credentials from the loaded catalogues."""

    path = "/credentials"
    tags = ("credentials",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", sync_to_thread=True, summary="Search and filter credentials", responses=problems(400))
    def list_credentials(
        self,
        session: NamedDependency[Session],
        q: Query = None,
        provider: Text = None,
        kind: Kind = None,
        level: Level = None,
        source: Text = None,
        max_hours: Annotated[float | None, QueryParameter(gt=0, le=100_000)] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CredentialPage:
        """Lexical search over title, provider and published skill tags, with structured filters."""
        return credential_service.list_credentials(
            session,
            q,
            provider=provider,
            kind=kind,
            level=level,
            max_hours=max_hours,
            source=source,
            limit=limit,
            offset=offset,
        )

    @get(
        "/{credential_id:str}",
        sync_to_thread=True,
        summary="One credential with its aligned skills",
        responses=problems(400, 404),
    )
    def get_credential(
        self, session: NamedDependency[Session], credential_id: Annotated[str, PathParameter(max_length=300)]
    ) -> CredentialDetail:
        """Everything the catalogue published plus the ESCO skills the credential teaches."""
        return credential_service.get_credential(session, credential_id)
