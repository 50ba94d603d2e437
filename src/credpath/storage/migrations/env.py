"""Alembic environment: runs against the engine handed over in ``config.attributes``."""

from alembic import context
from sqlalchemy import Engine, create_engine
from sqlmodel import SQLModel

import credpath.storage.tables  # noqa: F401 - registers the tables on SQLModel.metadata

target_metadata = SQLModel.metadata


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    return create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")


def run_migrations_online() -> None:
    """Run migrations in a transaction on the configured engine."""
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
