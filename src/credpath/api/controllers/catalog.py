"""Catalogue imports in open standards (Open Badges 3.0, CTDL): the ``catalog:write`` scope."""

from typing import Annotated, Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from sqlmodel import Session

from credpath.api.auth import requires
from credpath.api.deps import WRITES
from credpath.api.openapi import problems
from credpath.services import catalog_imports as import_service
from credpath.services.access import Caller
from credpath.services.views import CatalogImport
from credpath.vocabulary import CatalogFormat, Scope

__all__ = ["CatalogController"]


class CatalogController(Controller):
    """Issuers publish their credentials; each organisation's imports touch only its own credentials."""

    path = "/catalog"
    tags = ("credentials",)

    @post(
        "/imports",
        status_code=200,
        sync_to_thread=True,
        guards=[requires(Scope.CATALOG_WRITE)],
        dependencies={"session": WRITES},
        summary="Import credentials from an Open Badges 3.0 or CTDL document",
        operation_id="importCatalog",
        responses=problems(400, 401, 403, 413, 415, 422),
    )
    def import_catalog(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        data: JSONBody[Any],
        format: Annotated[CatalogFormat, QueryParameter(description="ob3 or ctdl")],
    ) -> CatalogImport:
        """One document is one batch, all or nothing; the error of a bad one names the JSON path of its first problem.

        ``ob3``: an ``Achievement``, an ``OpenBadgeCredential`` or a list of either. ``ctdl``: a JSON-LD
        ``@graph`` or one resource. Re-importing the same document changes nothing (``unchanged``).
        """
        return import_service.import_catalog(session, caller, format, data)
