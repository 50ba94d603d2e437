"""Alembic environment: runs against the engine handed over in ``config.attributes``."""

from alembic import context
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel

import credpath.storage.tables  # noqa: F401 - registers the tables on SQLModel.metadata

target_metadata = SQLModel.metadata

# PostgreSQL advisory lock key held by a migration ("credpath" in ASCII, as a bigint).
MIGRATION_LOCK = 0x6372656470617468


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    return create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")


def run_migrations_online() -> None:
    """Run migrations in a transaction on the configured engine, one process at a time.

    Every worker of ``credpath serve --workers N`` migrates as it starts. Unserialised, two of them read
    the same old revision and the second fails on "table already exists" once the first commits, so
    the server does not start. On PostgreSQL the transaction first takes an advisory lock, so a second
    process waits, then reads the revision the first one wrote and has nothing to do. (SQLite files are
    serialised by a lock file in ``storage.db.migrate``: Alembic's SQLite DDL is not one transaction.)
    """
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()
        connection.commit()


run_migrations_online()
