"""The one table mapping errors to HTTP statuses, rendered as RFC 9457 problem details."""

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from credpath.errors import (
    AbandonedError,
    ArtifactError,
    AuthenticationError,
    ConflictError,
    CredpathError,
    DocumentError,
    InvalidInputError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    ProofError,
    UnresolvedTitleError,
)

__all__ = ["EXCEPTION_HANDLERS", "problem"]

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

STATUS_BY_ERROR: dict[type[CredpathError], int] = {
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    InvalidInputError: 422,
    LimitExceededError: 413,
    ArtifactError: 503,
    # Nobody reads this answer (the client has gone); 499 is the customary code in access logs.
    AbandonedError: 499,
}


def problem(
    request: Request[Any, Any, Any], status: int, title: str, detail: str, **extra: Any
) -> Response[dict[str, Any]]:
    """Build a problem-details response (``type`` is ``about:blank``: the status says it all)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON)


def _domain(request: Request[Any, Any, Any], exc: CredpathError) -> Response[dict[str, Any]]:
    status = next((code for kind, code in STATUS_BY_ERROR.items() if isinstance(exc, kind)), 500)
    if isinstance(exc, AbandonedError):
        log.info("%s %s: %s", request.method, request.url.path, exc.detail)
    # A document error names the JSON path of its first problem, as an extension member of the problem.
    path = exc.path if isinstance(exc, DocumentError | ProofError) else None
    # A title no occupation matches with confidence lists the nearest ones, so a portal can ask which was meant.
    candidates = exc.candidates if isinstance(exc, UnresolvedTitleError) else None
    response = problem(request, status, exc.title, exc.detail, path=path, candidates=candidates)
    if status == 401:
        # RFC 6750: say which scheme would be accepted.
        response.headers["WWW-Authenticate"] = 'Bearer realm="credpath"'
    return response


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    # Litestar raises this for undecodable bodies and for parameters that fail their constraints alike.
    errors = exc.extra if isinstance(exc.extra, list) else None
    return problem(request, 400, "Bad request", exc.detail or "request validation failed", errors=errors)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    title = {
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        413: "Payload too large",
        415: "Unsupported media type",
        429: "Too many requests",
    }.get(exc.status_code, "HTTP error")
    response = problem(request, exc.status_code, title, exc.detail, **extra)
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="credpath"'
    if exc.status_code == 429 and "Retry-After" not in response.headers:
        # Litestar's rate limiter sends RateLimit-Reset (seconds); clients and proxies read Retry-After.
        reset = exc.headers.get("RateLimit-Reset", "") if exc.headers else ""
        response.headers["Retry-After"] = str(max(1, int(reset))) if reset.lstrip("-").isdigit() else "60"
    return response


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal server error",
        "an unexpected error occurred; it has been logged",
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Callable[[Request[Any, Any, Any], Any], Response[Any]]] = {
    CredpathError: _domain,
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _unexpected,
}
