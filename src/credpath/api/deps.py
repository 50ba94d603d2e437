"""Request-scoped dependencies: a database session per request, committed at the boundary."""

from collections.abc import Iterator

from litestar.datastructures import State
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.config import Settings
from credpath.services.resources import unit_of_work
from credpath.services.semantic import SemanticService

__all__ = ["provide_engine", "provide_semantic", "provide_session", "provide_settings"]


def provide_engine(state: State) -> Engine:
    """The engine created at start-up."""
    engine: Engine = state.engine
    return engine


def provide_settings(state: State) -> Settings:
    """The settings the app was created with."""
    settings: Settings = state.settings
    return settings


def provide_session(state: State) -> Iterator[Session]:
    """A session for one request: services never commit, this boundary does (or rolls back)."""
    with unit_of_work(state.engine) as session:
        yield session


def provide_semantic(state: State) -> SemanticService:
    """The semantic service serving now (encoder, indexes, labels); a request keeps the one it started with."""
    semantic: SemanticService = state.live.current
    return semantic
