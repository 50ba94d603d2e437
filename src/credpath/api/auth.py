"""Authentication (``Authorization: Bearer <key>``), scope guards and the per-key rate limit.

Built on Litestar's own pieces: :class:`AbstractAuthenticationMiddleware` puts the caller on the
connection (anonymous when no header is sent; a bad, revoked or expired key is a 401 at once; the key is
looked up read-only, and ``last_used_at`` refreshed through the write gate when due), route
guards check scopes, and :class:`RateLimitConfig` counts requests per key (per client address for
anonymous callers). Which records a caller may see is not decided here: the services pass the caller's
tenant scope to the repositories.
"""

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
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
from credpath.services.access import ANONYMOUS, Caller, KeyStatus
from credpath.services.resources import unit_of_work
from credpath.services.transactions import request_unit_of_work
from credpath.vocabulary import Scope

__all__ = [
    "RATE_LIMIT_EXEMPT",
    "KeyCache",
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


class KeyCache:
    """Keys this process identified in the last ``seconds``, so a request with a known key skips the lookup.

    The lookup is cheap (0.21 ms); its trip to a worker thread and back is most of the ~0.9 ms of CPU a key
    cost per request (README, Load). The price is staleness, bounded by ``seconds``: a key revoked through
    another process (another worker or replica, or the command line) keeps working here until its entry is
    that old. A key revoked through this process stops at once (its prefix is never served from here again),
    and expiry is checked on every request. ``seconds`` 0 looks every key up. Entries are keyed by the key's
    digest, so no key is held here in the clear.
    """

    def __init__(self, seconds: float, capacity: int = 10_000) -> None:
        self.seconds = seconds
        self.capacity = capacity
        self._entries: dict[str, tuple[float, KeyStatus]] = {}
        self._revoked: set[str] = set()
        # The middleware reads and fills it on the event loop; a revocation arrives from a handler's thread.
        self._lock = threading.Lock()

    def get(self, digest: str) -> KeyStatus | None:
        """The status cached for a key's digest, if fresh."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            deadline, status = entry
            if deadline <= time.monotonic() or status.caller.actor in self._revoked:
                del self._entries[digest]
                return None
            return status

    def put(self, digest: str, status: KeyStatus) -> None:
        """Remember a key's status for ``seconds``."""
        if self.seconds <= 0:
            return
        with self._lock:
            if status.caller.actor in self._revoked:
                return
            if len(self._entries) >= self.capacity:
                # Bounded memory: many distinct valid keys at once are rare, and a miss only costs a lookup.
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + self.seconds, status)

    def revoked(self, prefix: str) -> None:
        """A key revoked through this process: never served from the cache again."""
        with self._lock:
            self._revoked.add(prefix)
            for digest in [d for d, (_, status) in self._entries.items() if status.caller.actor == prefix]:
                del self._entries[digest]


def _key_status(engine: Engine, key: str) -> KeyStatus:
    with unit_of_work(engine) as session:
        return access.key_status(session, key)


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
        cache: KeyCache = state.key_cache
        digest = access.hash_key(key)
        status = cache.get(digest)
        if status is None:
            status = await anyio.to_thread.run_sync(_key_status, state.engine, key)
            cache.put(digest, status)
        now = datetime.now(UTC)
        status.check(now)
        caller = status.caller
        if status.use_due(now):
            # A write like any other (at most once a minute per key): through the write gate, so a burst of
            # requests with a fresh key queues on the event loop instead of for SQLite's lock.
            async with request_unit_of_work(state.engine, state.write_gate) as session:
                await anyio.to_thread.run_sync(access.record_use, session, caller.actor)
            cache.put(digest, replace(status, last_used_at=now))
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
