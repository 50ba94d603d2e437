"""The application factory."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

from credpath import __version__
from credpath.api.auth import auth_middleware, provide_caller, rate_limit_config
from credpath.api.controllers.access import AccessController
from credpath.api.controllers.credentials import CredentialController
from credpath.api.controllers.learners import LearnerController
from credpath.api.controllers.matching import MatchingController
from credpath.api.controllers.recommendations import PlanningController
from credpath.api.controllers.system import SystemController
from credpath.api.controllers.taxonomy import OccupationController, SkillController
from credpath.api.deps import provide_engine, provide_semantic, provide_session, provide_settings
from credpath.api.errors import EXCEPTION_HANDLERS
from credpath.config import Settings
from credpath.services import access
from credpath.services.resources import open_engine, unit_of_work
from credpath.services.semantic import SemanticService

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the credpath API.

    Args:
        settings: configuration; read from the environment when omitted.

    Returns:
        A Litestar app serving ``/v1`` and its OpenAPI document at ``/schema``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from litestar.testing import TestClient
        >>> folder = Path(tempfile.mkdtemp())
        >>> app = create_app(
        ...     Settings(
        ...         database_url=f"sqlite:///{folder / 'credpath.db'}",
        ...         models_dir=folder,
        ...         admin_key_file=folder / "admin.key",
        ...     )
        ... )
        >>> with TestClient(app) as client:
        ...     client.get("/v1/health").json()["database"]
        True
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # Long-lived resources are created once here and shared by every request.
        engine = open_engine(settings)
        app.state.engine = engine
        app.state.settings = settings
        app.state.semantic = SemanticService.load(engine, settings.models_dir)
        # --- access (issue 11): make sure an admin key exists; say where, never what -----------------
        with unit_of_work(engine) as session:
            written = access.ensure_admin_key(
                session, value=settings.bootstrap_admin_key, key_file=settings.admin_key_file
            )
        if written is not None:
            log.warning("no API key existed: an admin key was created and written to %s (mode 0600)", written)
        # --- end access ------------------------------------------------------------------------------
        log.info("credpath %s ready on %s", __version__, engine.url.render_as_string(hide_password=True))
        try:
            yield
        finally:
            engine.dispose()

    v1 = Router(
        path="/v1",
        route_handlers=[
            SystemController,
            MatchingController,
            SkillController,
            OccupationController,
            CredentialController,
            PlanningController,
            LearnerController,
            AccessController,
        ],
    )
    return Litestar(
        route_handlers=[v1],
        lifespan=[lifespan],
        dependencies={
            "engine": Provide(provide_engine, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "session": Provide(provide_session),
            "semantic": Provide(provide_semantic, sync_to_thread=False),
            "caller": Provide(provide_caller, sync_to_thread=False),
        },
        # --- access (issue 11): Litestar's own middleware and limits ---------------------------------
        # Authentication first, so the rate limiter can count per API key (anonymous: per address).
        middleware=[auth_middleware(), rate_limit_config(settings).middleware],
        request_max_body_size=settings.max_body_bytes,
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        # --- end access --------------------------------------------------------------------------------
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="credpath",
            version=__version__,
            description=(
                "Which micro-credentials should this learner earn next to close the skill gap for the role they want?"
            ),
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
        debug=False,
    )
