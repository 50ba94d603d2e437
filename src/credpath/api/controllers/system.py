"""Health: the full report, and the liveness and readiness probes an orchestrator polls."""

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import Engine

from credpath.config import Settings
from credpath.services import health as health_service
from credpath.services.semantic import SemanticService
from credpath.services.views import Health, Liveness, Readiness

__all__ = ["SystemController"]


class SystemController(Controller):
    """Operational endpoints."""

    path = "/health"
    tags = ("system",)

    @get(
        "/",
        sync_to_thread=True,
        summary="Database reachable, data loaded, index state",
        responses={503: ResponseSpec(data_container=Health, description="The database does not answer")},
    )
    def health(
        self,
        engine: NamedDependency[Engine],
        settings: NamedDependency[Settings],
        semantic: NamedDependency[SemanticService],
    ) -> Response[Health]:
        """Return 200 when the database answers (``status`` says whether data is loaded), else 503."""
        state = health_service.health(engine, settings.models_dir, semantic)
        return Response(state, status_code=200 if state.database else 503)

    @get("/live", sync_to_thread=False, summary="Liveness: the process answers")
    def live(self) -> Liveness:
        """Return 200 while the process can answer at all (no database or index is consulted)."""
        return Liveness()

    @get("/ready", sync_to_thread=True, summary="Readiness: database reachable, indexes loaded and fresh")
    def ready(
        self, engine: NamedDependency[Engine], settings: NamedDependency[Settings], state: State
    ) -> Response[Readiness]:
        """Return 200 when this replica can serve every endpoint, else 503 with the reason."""
        verdict = health_service.readiness(engine, settings.models_dir, state.live)
        return Response(verdict, status_code=200 if verdict.ready else 503)
