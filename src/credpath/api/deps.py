"""Request-scoped dependencies: a database session per request, committed at the boundary (off the event loop)."""

from collections.abc import AsyncIterator

from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.config import Settings
from credpath.services.semantic import SemanticService
from credpath.services.transactions import WriteGate, request_unit_of_work

__all__ = [
    "WRITES",
    "provide_engine",
    "provide_semantic",
    "provide_session",
    "provide_settings",
    "provide_write_session",
]


def provide_engine(state: State) -> Engine:
    """The engine created at start-up."""
    engine: Engine = state.engine
    return engine


def provide_settings(state: State) -> Settings:
    """The settings the app was created with."""
    settings: Settings = state.settings
    return settings


async def provide_session(state: State) -> AsyncIterator[Session]:
    """A session for one request: services never commit, this boundary does (or rolls back), in a worker thread."""
    async with request_unit_of_work(state.engine) as session:
        yield session


async def provide_write_session(state: State) -> AsyncIterator[Session]:
    """A session for a request that writes: admitted through the process's write gate, write lock taken up front.

    Handlers that change stored state declare it with ``dependencies={"session": WRITES}``.
    """
    gate: WriteGate = state.write_gate
    async with request_unit_of_work(state.engine, gate) as session:
        yield session


def provide_semantic(state: State) -> SemanticService:
    """The semantic service serving now (encoder, indexes, labels); a request keeps the one it started with."""
    semantic: SemanticService = state.live.current
    return semantic


# The session dependency of handlers that write: ``@post(..., dependencies={"session": WRITES})``.
WRITES = Provide(provide_write_session)
