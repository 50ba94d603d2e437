"""The long-lived resources the API and the CLI open once: the migrated database engine and units of work.

The web layer and the command line reach the database only through here and the use cases, never
through ``storage`` directly.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.config import Settings
from credpath.storage.db import create_db_engine, migrate, session_scope
from credpath.storage.transfer import copy_database

__all__ = ["copy_to", "open_engine", "unit_of_work"]


def open_engine(settings: Settings) -> Engine:
    """An engine on the configured database, with the schema brought up to date (idempotent)."""
    engine = create_db_engine(settings.database_url, echo=settings.echo_sql)
    migrate(engine)
    return engine


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One request's session: committed when the block succeeds, rolled back on any exception."""
    with session_scope(engine) as session:
        yield session


def copy_to(settings: Settings, target_url: str) -> dict[str, int]:
    """Copy the configured database into an empty PostgreSQL database (migrated here first)."""
    source = open_engine(settings)
    target = create_db_engine(target_url)
    try:
        migrate(target)
        return copy_database(source, target)
    finally:
        source.dispose()
        target.dispose()
