"""Catalogue imports in open standards (Open Badges 3.0, CTDL): the ``catalog:write`` scope.

Both operations parse the document and link its free text (the encoder) before the write transaction
opens (:func:`credpath.api.deps.run_in_write_unit`), so other writers never wait for them.
"""

from functools import partial
from typing import Annotated, Any

import anyio
from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from sqlalchemy import Engine

from credpath.api.auth import requires
from credpath.api.bodies import UPLOAD_FIELD, read_upload
from credpath.api.deps import run_in_write_unit
from credpath.api.openapi import problems
from credpath.config import Settings
from credpath.services import catalog_imports as import_service
from credpath.services.access import Caller
from credpath.services.semantic import SemanticService
from credpath.services.views import CatalogImport
from credpath.vocabulary import CatalogFormat, Scope

__all__ = ["CatalogController"]

Format = Annotated[CatalogFormat, QueryParameter(description="ob3 or ctdl")]


class CatalogController(Controller):
    """Issuers publish their credentials; each organisation's imports touch only its own credentials."""

    path = "/catalog"
    tags = ("credentials",)

    @post(
        "/imports",
        status_code=200,
        guards=[requires(Scope.CATALOG_WRITE)],
        summary="Import credentials from an Open Badges 3.0 or CTDL document",
        operation_id="importCatalog",
        responses=problems(400, 401, 403, 413, 415, 422),
    )
    async def import_catalog(
        self,
        state: State,
        engine: NamedDependency[Engine],
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        settings: NamedDependency[Settings],
        data: JSONBody[Any],
        format: Format,
    ) -> CatalogImport:
        """One document is one batch, all or nothing; the error of a bad one names the JSON path of its first problem.

        ``ob3``: an ``Achievement``, an ``OpenBadgeCredential`` or a list of either. ``ctdl``: a JSON-LD
        ``@graph`` or one resource. Re-importing the same document changes nothing (``unchanged``). Free-text
        competencies are linked to ESCO skills at once by the build's alignment scorer (``linking: pending``
        until models are built).
        """
        read = await anyio.to_thread.run_sync(
            partial(
                import_service.read_import,
                engine,
                semantic,
                caller,
                format,
                data,
                models_dir=settings.models_dir,
            )
        )
        return await run_in_write_unit(state, partial(import_service.store_import, caller=caller, read=read))

    @post(
        "/imports/upload",
        status_code=200,
        guards=[requires(Scope.CATALOG_WRITE)],
        summary="Import credentials from an uploaded Open Badges 3.0 or CTDL file",
        operation_id="importCatalogUpload",
        responses=problems(400, 401, 403, 413, 415, 422),
    )
    async def import_upload(
        self,
        request: Request[Any, Any, Any],
        state: State,
        engine: NamedDependency[Engine],
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        settings: NamedDependency[Settings],
        format: Format,
    ) -> CatalogImport:
        """The same import from a ``multipart/form-data`` body whose one file part is named ``file`` (UTF-8 JSON).

        A form without that file part, with a malformed part, or over the body limit is a 4xx problem.
        """
        content = await read_upload(request, UPLOAD_FIELD)
        read = await anyio.to_thread.run_sync(
            partial(
                import_service.read_import_bytes,
                engine,
                semantic,
                caller,
                format,
                content,
                models_dir=settings.models_dir,
            )
        )
        return await run_in_write_unit(state, partial(import_service.store_import, caller=caller, read=read))
