"""The application factory."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.prometheus import PrometheusController

from credpath import __version__
from credpath.api.auth import KeyCache, auth_middleware, provide_caller, rate_limit_config
from credpath.api.bodies import StrictJSONRequest
from credpath.api.controllers.access import AccessController
from credpath.api.controllers.catalog import CatalogController
from credpath.api.controllers.credentials import CredentialController
from credpath.api.controllers.learners import LearnerController
from credpath.api.controllers.matching import MatchingController
from credpath.api.controllers.page import page_routes
from credpath.api.controllers.postings import InsightsController, PostingController
from credpath.api.controllers.recommendations import PlanningController
from credpath.api.controllers.system import SystemController
from credpath.api.controllers.taxonomy import OccupationController, SkillController
from credpath.api.deps import provide_engine, provide_semantic, provide_session, provide_settings
from credpath.api.errors import EXCEPTION_HANDLERS
from credpath.api.observability import (
    install_request_id_records,
    logging_config,
    prometheus_config,
    request_id_middleware,
    semantic_collector,
)
from credpath.api.openapi import complete_document
from credpath.config import Settings
from credpath.services import access
from credpath.services.live import LiveSemantic
from credpath.services.resources import open_engine
from credpath.services.semantic import SemanticService
from credpath.services.transactions import write_gate_for

__all__ = ["create_app"]


class MetricsController(PrometheusController):
    """``/metrics`` in Prometheus' text format: for scrapers, so it stays out of the JSON API's OpenAPI document."""

    include_in_schema = False


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
        # Writes queue here, on the event loop, rather than for the database lock in worker threads.
        app.state.write_gate = write_gate_for(engine)
        app.state.key_cache = KeyCache(settings.key_cache_seconds)
        # --- access (issue 11): make sure an admin key exists; say where, never what -----------------
        written = await anyio.to_thread.run_sync(
            lambda: access.bootstrap_admin_key(
                engine, value=settings.bootstrap_admin_key, key_file=settings.admin_key_file
            )
        )
        if written is not None:
            log.warning("no API key existed: an admin key was created and written to %s (mode 0600)", written)
        # --- end access ------------------------------------------------------------------------------
        live = await anyio.to_thread.run_sync(
            lambda: LiveSemantic(
                engine,
                settings.models_dir,
                loader=lambda engine, models_dir: SemanticService.load(
                    engine, models_dir, backend=settings.vector_backend
                ),
            )
        )
        app.state.live = live
        collector = semantic_collector()
        collector.attach(live.state)
        log.info("credpath %s ready on %s", __version__, engine.url.render_as_string(hide_password=True))
        try:
            async with anyio.create_task_group() as tasks:
                if settings.index_check_seconds > 0:
                    tasks.start_soon(_watch_indexes, live, settings.index_check_seconds)
                yield
                tasks.cancel_scope.cancel()
        finally:
            collector.detach(live.state)
            engine.dispose()

    install_request_id_records()
    metrics = prometheus_config()
    v1 = Router(
        path="/v1",
        route_handlers=[
            SystemController,
            MatchingController,
            SkillController,
            OccupationController,
            CredentialController,
            CatalogController,
            PlanningController,
            LearnerController,
            PostingController,
            InsightsController,
            AccessController,
        ],
    )
    return Litestar(
        route_handlers=[v1, MetricsController, *page_routes()],
        # Request ids and metrics first, so refusals (401, 429) are logged and counted too. Then (issue 11,
        # Litestar's own middleware) authentication, so the rate limiter can count per API key
        # (anonymous: per address).
        middleware=[
            request_id_middleware,
            metrics.middleware,
            auth_middleware(),
            rate_limit_config(settings).middleware,
        ],
        logging_config=logging_config(settings.log_level),
        lifespan=[lifespan],
        dependencies={
            "engine": Provide(provide_engine, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "session": Provide(provide_session),
            "semantic": Provide(provide_semantic, sync_to_thread=False),
            "caller": Provide(provide_caller, sync_to_thread=False),
        },
        # Issue 11: configurable CORS origins (none by default).
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        exception_handlers=EXCEPTION_HANDLERS,
        # Bodies are JSON only, decoded strictly into the handler's struct (issue 10: hostile input).
        request_class=StrictJSONRequest,
        # Larger bodies are refused (413) before they are read (CREDPATH_MAX_BODY_BYTES, 1 MB by default).
        request_max_body_size=settings.max_body_bytes,
        on_startup=[complete_document],
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


async def _watch_indexes(live: LiveSemantic, every: float) -> None:
    """Check for a new index build every few seconds and swap it in (off the event loop)."""
    while True:
        await anyio.sleep(every)
        await anyio.to_thread.run_sync(live.refresh)
