"""Authentication (``Authorization: Bearer <key>``), scope guards and the per-key rate limit.

Built on Litestar's own pieces: :class:`AbstractAuthenticationMiddleware` puts the caller on the
connection (anonymous when no header is sent; a bad, revoked or expired key is a 401 at once; the key is
looked up read-only, and ``last_used_at`` refreshed through the write gate when due), route
guards check scopes, and :class:`RateLimitConfig` counts requests per key (per client address for
anonymous callers). Which records a caller may see is not decided here: the services pass the caller's
tenant scope to the repositories.
"""

from typing import Any

import anyio.to_thread
from litestar.connection import ASGIConnection, Request
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from sqlalchemy import Engine

from credpath.config import Settings
from credpath.errors import AuthenticationError
from credpath.services import access
from credpath.services.access import ANONYMOUS, Caller
from credpath.services.resources import unit_of_work
from credpath.services.transactions import request_unit_of_work
from credpath.vocabulary import Scope

__all__ = [
    "RATE_LIMIT_EXEMPT",
    "auth_middleware",
    "caller_of",
    "provide_caller",
    "public_read",
    "rate_limit_config",
    "requires",
]

# Paths the rate limiter leaves alone (regular expressions): the OpenAPI document, and the health probes and
# metrics that load balancers and Prometheus poll from one address.
RATE_LIMIT_EXEMPT = ("/schema", "/v1/health", "/metrics")


def _identify(engine: Engine, key: str) -> tuple[Caller, bool]:
    with unit_of_work(engine) as session:
        return access.identify(session, key)


class ApiKeyAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Resolves the bearer key (if any) to a :class:`Caller`; the database lookup runs off the event loop."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        """The caller behind the request; anonymous without an ``Authorization`` header.

        Raises:
            AuthenticationError: a header that is not ``Bearer <key>``, or an unknown, revoked or expired key.
        """
        header = connection.headers.get("authorization")
        if header is None:
            return AuthenticationResult(user=ANONYMOUS, auth=None)
        scheme, _, key = header.strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key or len(key) > 512:
            raise AuthenticationError("expected Authorization: Bearer <key>")
        state = connection.app.state
        caller, due = await anyio.to_thread.run_sync(_identify, state.engine, key)
        if due:
            # A write like any other (at most once a minute per key): through the write gate, so a burst of
            # requests with a fresh key queues on the event loop instead of for SQLite's lock.
            async with request_unit_of_work(state.engine, state.write_gate) as session:
                await anyio.to_thread.run_sync(access.record_use, session, caller.actor)
        return AuthenticationResult(user=caller, auth=caller.actor)


def auth_middleware() -> DefineMiddleware:
    """The authentication middleware (OPTIONS pre-flights pass untouched, for CORS)."""
    return DefineMiddleware(ApiKeyAuthenticationMiddleware)


def caller_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The caller the middleware attached (anonymous if it did not run)."""
    user = connection.scope.get("user")
    return user if isinstance(user, Caller) else ANONYMOUS


def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    """The ``caller`` dependency handed to the services."""
    return caller_of(request)


def requires(scope: Scope) -> Any:
    """A guard: 401 without a valid key, 403 when the key lacks ``scope`` (admin holds every scope)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        caller_of(connection).require(scope)

    guard.__name__ = f"requires_{scope.value.replace(':', '_')}"
    return guard


def public_read(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """A guard for taxonomy, catalogue and matching reads: open unless ``CREDPATH_PUBLIC_READS=false``."""
    settings: Settings = connection.app.state.settings
    if not settings.public_reads:
        caller_of(connection).require_key()


def _rate_identity(request: Request[Any, Any, Any]) -> str:
    caller = caller_of(request)
    if caller.authenticated:
        return f"key:{caller.actor}"
    return f"address:{request.client.host if request.client else 'unknown'}"


def rate_limit_config(settings: Settings) -> RateLimitConfig:
    """Litestar's rate limiter, keyed by API key prefix (anonymous: client address), in-process memory store."""
    return RateLimitConfig(
        rate_limit=("minute", settings.rate_limit_per_minute),
        identifier_for_request=_rate_identity,
        exclude=list(RATE_LIMIT_EXEMPT),
    )
