"""Health."""

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import Engine

from credpath.config import Settings
from credpath.services import health as health_service
from credpath.services.semantic import SemanticService
from credpath.services.views import Health

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
        state = health_service.health(engine, settings.models_dir, semantic.encoder.backend)
        return Response(state, status_code=200 if state.database else 503)
