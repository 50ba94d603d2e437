"""HTTP API (Litestar): thin controllers over the services, problem-details errors, OpenAPI."""

from credpath.api.app import create_app

__all__ = ["create_app"]
