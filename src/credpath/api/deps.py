"""Request-scoped dependencies: a database session per request, committed at the boundary (off the event loop)."""

from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.config import Settings
from credpath.services.semantic import SemanticService
from credpath.services.transactions import WriteGate, request_unit_of_work, run_unit_of_work

__all__ = [
    "WRITES",
    "provide_engine",
    "provide_semantic",
    "provide_session",
    "provide_settings",
    "provide_write_session",
    "run_in_read_unit",
    "run_in_write_unit",
]

T = TypeVar("T")


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


async def run_in_write_unit(state: State, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a write unit of work: through the write gate, in a worker thread, committed after.

    For handlers that must first do slow work that reads nothing stored (the encoder: extracting skills
    from a posting or a learner's text). They take no ``session`` dependency, do that work, then call
    this, so the write transaction (on SQLite, the database's one write lock) is held only for the writes.
    """
    gate: WriteGate = state.write_gate
    return await run_unit_of_work(state.engine, work, gate)


async def run_in_read_unit(state: State, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a read unit of work, in a worker thread.

    For what a write returns (the stored profile): read after the write committed, so the write lock is not
    held while it is read.
    """
    return await run_unit_of_work(state.engine, work)


def provide_semantic(state: State) -> SemanticService:
    """The semantic service serving now (encoder, indexes, labels); a request keeps the one it started with."""
    semantic: SemanticService = state.live.current
    return semantic


# The session dependency of handlers that write: ``@post(..., dependencies={"session": WRITES})``.
WRITES = Provide(provide_write_session)
