"""Engine and session factory, SQLite tuning, and schema migrations (Alembic)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

__all__ = ["create_db_engine", "for_writes", "migrate", "ping", "session_scope"]

log = logging.getLogger(__name__)

_MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Execution option marking a connection whose transactions write (see ``for_writes``).
_WRITES = "credpath_writes"


def _normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names (it is the one we install)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets API readers run while an ingest writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A writer holding the lock (ingest) should delay readers briefly, not fail them.
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # pysqlite begins a transaction only before the first INSERT/UPDATE/DELETE, and a deferred one at that:
    # a writer that has read first then queues for the write lock (or fails at once in WAL when another
    # writer committed meanwhile). A write transaction takes the lock when it begins instead.
    if connection.get_execution_options().get(_WRITES):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def for_writes(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the database's write lock when they begin.

    On SQLite that is ``BEGIN IMMEDIATE``, so a write transaction never upgrades a read lock halfway; on
    PostgreSQL it changes nothing (writers lock the rows they change).

    Example:
        >>> from sqlalchemy import text
        >>> engine = for_writes(create_db_engine("sqlite://"))
        >>> with engine.begin() as connection:
        ...     connection.execute(text("SELECT 1")).scalar_one()
        1
    """
    return engine.execution_options(**{_WRITES: True})


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for SQLite (file or memory) or PostgreSQL.

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:///data/credpath.db`` or ``postgresql://u:p@host/db``.
        echo: log every SQL statement.

    Returns:
        A configured engine.

    Example:
        >>> engine = create_db_engine("sqlite://")
        >>> ping(engine)
        True
    """
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, "timeout": 30}
        if not database or database == ":memory:":
            engine = create_engine(
                url, echo=echo, hide_parameters=not echo, poolclass=NullPool, connect_args=connect_args
            )
        else:
            # Pooled, not one connection per use: under load, opening a connection, its four pragmas and
            # closing it took ~38% of a worker's CPU (py-spy at c=32). A pooled connection is used by one
            # thread at a time (a session checks it out), so check_same_thread can stay off.
            engine = create_engine(
                url,
                echo=echo,
                hide_parameters=not echo,
                pool_size=10,
                max_overflow=30,
                pool_timeout=30,
                connect_args=connect_args,
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Statement parameters carry learner text: they stay out of error messages and logs unless echo is on.
    # As many connections as the worker threads that run sync handlers (anyio's default limit is 40): with
    # 5 + 5, requests at 32 concurrent clients queued for a connection until the 30 s pool timeout and
    # failed (QueuePool limit reached; benchmarks/load_bench.py). 10 stay open, up to 40 per process.
    return create_engine(
        url, echo=echo, hide_parameters=not echo, pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=30
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(engine: Engine) -> bool:
    """Return whether the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.warning("database ping failed", exc_info=True)
        return False
    return True


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent; safe to call at every start), one process at a time.

    Every worker of ``credpath serve --workers N`` migrates as it starts. Alembic runs SQLite DDL without
    one enclosing transaction, so a database lock cannot make a second process wait for the whole
    upgrade: it read an old revision and applied it again ("duplicate column"). A lock file beside
    the database does. PostgreSQL migrations run in one transaction that first takes an advisory lock
    (``migrations/env.py``).
    """
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    on_file = bool(database) and database != ":memory:"
    with FileLock(f"{database}.migrate-lock") if on_file else nullcontext():
        command.upgrade(_alembic_config(engine), revision)
