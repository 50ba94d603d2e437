"""The page for people at ``/``: static files (plain ES modules, no build step) calling only the public ``/v1`` API."""

from pathlib import Path

from litestar import get
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

__all__ = ["PAGE_DIR", "page_routes"]

PAGE_DIR = Path(__file__).resolve().parents[1] / "page"


@get("/", include_in_schema=False, sync_to_thread=False)
def index() -> File:
    """The page itself."""
    return File(PAGE_DIR / "index.html", content_disposition_type="inline", media_type="text/html")


def page_routes() -> list[ControllerRouterHandler]:
    """``/`` and the page's assets under ``/page/`` (kept out of the OpenAPI document)."""
    return [index, create_static_files_router(path="/page", directories=[PAGE_DIR], include_in_schema=False)]
