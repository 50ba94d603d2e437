"""What an operator watches: request ids, one JSON access line per request, and Prometheus metrics.

- **Request id.** ``X-Request-ID`` is accepted when it is a plain token (letters, digits, ``.-_:``, at
  most 128 characters, so nothing can be smuggled into a log line) and generated otherwise; it is echoed
  in the response and stamped on every log record written while the request runs (a context variable,
  which anyio copies into the worker threads that run sync handlers).
- **Logs.** ``credpath serve`` writes JSON lines (python-json-logger). The access line names the route
  *template* (``/v1/learners/{learner_id}``), never the query string or body, so search text and
  learner data stay out of the log; SQL parameters are hidden by the engine (``hide_parameters``).
- **Metrics.** Litestar's own Prometheus plugin counts and times requests per route template at
  ``/metrics``; :class:`SemanticCollector` adds the loaded index generation and the encoder backend.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.logging.config import LoggingConfig
from litestar.plugins.prometheus import PrometheusConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from credpath.services.live import SemanticState

__all__ = [
    "REQUEST_ID_HEADER",
    "SemanticCollector",
    "current_request_id",
    "install_request_id_records",
    "json_log_config",
    "logging_config",
    "prometheus_config",
    "request_id_middleware",
    "semantic_collector",
]

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID: ContextVar[str | None] = ContextVar("credpath_request_id", default=None)
_VALID_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
access_log = logging.getLogger("credpath.access")


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return _REQUEST_ID.get()


def install_request_id_records() -> None:
    """Give every log record a ``request_id`` attribute (None outside a request); idempotent."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_credpath_request_id", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = _REQUEST_ID.get()
        return record

    make_record._credpath_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


def _incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _VALID_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: set the request id, echo it, and write one access line when the response ends."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_id = _incoming_id(scope)
        token = _REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    # The template, not the path: ids of learners and query strings stay out of the log.
                    "route": scope.get("path_template", "<unmatched>"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            _REQUEST_ID.reset(token)

    return middleware


def prometheus_config() -> PrometheusConfig:
    """Request counts, latencies and errors per route template (``credpath_*`` metrics)."""
    return PrometheusConfig(
        app_name="credpath",
        prefix="credpath",
        group_path=True,
        exclude_unhandled_paths=True,
        exclude=["/metrics"],
    )


class SemanticCollector(Collector):
    """Prometheus gauges read from the live semantic state at scrape time.

    One collector per process (a registry refuses two that export the same names); each app attaches
    its state source while it runs, and the most recently started one is reported.
    """

    def __init__(self) -> None:
        self._sources: list[Callable[[], SemanticState]] = []

    def attach(self, source: Callable[[], SemanticState]) -> None:
        """Report ``source`` from now on."""
        self._sources.append(source)

    def detach(self, source: Callable[[], SemanticState]) -> None:
        """Stop reporting ``source``."""
        if source in self._sources:
            self._sources.remove(source)

    def collect(self) -> Iterator[Metric]:
        """Yield the index generation and readiness per index, and the encoder in use."""
        if not self._sources:
            return
        state = self._sources[-1]()
        generation = GaugeMetricFamily(
            "credpath_index_generation",
            "Build time (Unix seconds) of the index generation being served; 0 when not loaded",
            labels=["index"],
        )
        ready = GaugeMetricFamily(
            "credpath_index_ready", "1 when the index is loaded and matches the data", labels=["index"]
        )
        for name, info in sorted(state.indexes.items()):
            generation.add_metric([name], info.generation)
            ready.add_metric([name], 1.0 if info.ready else 0.0)
        encoder = GaugeMetricFamily("credpath_encoder_info", "The query encoder in use", labels=["backend", "name"])
        encoder.add_metric([state.encoder_backend, state.encoder_name], 1.0)
        reloads = GaugeMetricFamily("credpath_index_reloads", "Index generations loaded since start-up")
        reloads.add_metric([], float(state.reloads))
        yield from (generation, ready, encoder, reloads)


_COLLECTOR: SemanticCollector | None = None


def semantic_collector() -> SemanticCollector:
    """The process's collector, registered with the default Prometheus registry on first use."""
    global _COLLECTOR
    if _COLLECTOR is None:
        _COLLECTOR = SemanticCollector()
        REGISTRY.register(_COLLECTOR)
    return _COLLECTOR


_JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}


def logging_config(level: str) -> LoggingConfig:
    """Litestar's logging configuration with JSON lines (its ``standard`` formatter replaced) for every logger.

    Litestar applies it at start-up through its queue handler, so logging never blocks the event loop.
    """
    return LoggingConfig(
        formatters={"standard": dict(_JSON_FORMATTER)},
        root={"handlers": ["queue_listener"], "level": level.upper()},
        loggers={
            "litestar": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
            # Alembic logs every no-op upgrade at INFO; only real migrations matter to an operator.
            "alembic": {"level": "WARNING"},
        },
        log_exceptions="never",  # api/errors.py logs unexpected errors once, with the request id
    )


def json_log_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for JSON lines on stderr (uvicorn's own loggers included)."""
    formatter = dict(_JSON_FORMATTER)
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter},
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
            # Alembic logs every no-op upgrade at INFO; only real migrations matter to an operator.
            "alembic": {"level": "WARNING"},
        },
    }
