"""Service tests run the use cases directly on the loaded bundle with the real model; writes are rolled back."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.services import taxonomy
from credpath.services.semantic import SemanticService
from credpath.storage.db import create_db_engine


@pytest.fixture(scope="session")
def engine(loaded_sqlite_url: str) -> Iterator[Engine]:
    """The shared loaded SQLite database (its indexes are built by ``models_dir``)."""
    engine = create_db_engine(loaded_sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def semantic(engine: Engine, models_dir: Path) -> SemanticService:
    """The semantic service as the API loads it at start-up."""
    return SemanticService.load(engine, models_dir)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session rolled back after the test: services never commit, so nothing reaches the shared database."""
    with Session(engine) as session:
        yield session
        session.rollback()


@pytest.fixture(scope="session")
def ids(engine: Engine) -> dict[str, str]:
    """Ids of a few well-known skills and occupations."""
    with Session(engine) as session:

        def skill(label: str) -> str:
            items = taxonomy.list_skills(session, label, 20, 0).items
            return next(item.id for item in items if item.label == label)

        analyst = taxonomy.list_occupations(session, "data analyst", "esco", 1, 0).items[0]
        assert analyst.label == "data analyst"
        return {
            "analyst": analyst.id,
            "sql": skill("SQL"),
            "statistics": skill("statistics"),
            "spreadsheets": skill("use spreadsheets software"),
        }
