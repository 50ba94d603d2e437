"""Several processes starting on one database at once (``serve --workers N``, replicas) all start:
the schema is migrated once and the bootstrap admin key stored once."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select, text
from sqlmodel import Session, col

import credpath.storage
from credpath.services.access import hash_key
from credpath.storage.db import create_db_engine, migrate
from credpath.storage.tables import ApiKey
from tests.conftest import BACKENDS, fresh_database_url

# Each process waits for the go file, so all of them read the schema's revision at about the same moment.
MIGRATE = """
import sys, time
from pathlib import Path
from credpath.storage.db import create_db_engine, migrate
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
migrate(create_db_engine(sys.argv[1]))
"""
# As the server's start-up does after migrating: make sure the configured admin key exists.
BOOTSTRAP = """
import sys, time
from pathlib import Path
from credpath.services.access import bootstrap_admin_key
from credpath.services.access import hash_key
from credpath.storage.db import create_db_engine, migrate
from credpath.storage.tables import ApiKey
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
bootstrap_admin_key(create_db_engine(sys.argv[1]), value=sys.argv[3], key_file=Path(sys.argv[2]).with_suffix(".key"))
"""


def _all_at_once(script: str, *args: str, go: Path, processes: int = 4) -> list[tuple[int, str]]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, args[0], str(go), *args[1:]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    time.sleep(3)  # let every interpreter import credpath and reach the wait
    go.touch()
    return [(worker.wait(timeout=300), worker.stderr.read() if worker.stderr else "") for worker in workers]


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_first_migrations_all_succeed(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = fresh_database_url(backend, tmp_path, request)
    outcomes = _all_at_once(MIGRATE, url, go=tmp_path / "go")
    engine = create_db_engine(url)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert [code for code, _ in outcomes] == [0, 0, 0, 0], [err[-600:] for _, err in outcomes]
    migrations = Path(credpath.storage.__file__).with_name("migrations")
    assert revision == ScriptDirectory(str(migrations)).get_current_head()


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_bootstraps_store_one_admin_key(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = fresh_database_url(backend, tmp_path, request)
    engine = create_db_engine(url)
    migrate(engine)
    key = "start-race-admin-key-" + "0123456789abcdef" * 2
    outcomes = _all_at_once(BOOTSTRAP, url, key, go=tmp_path / "go")
    with Session(engine) as session:
        stored = session.scalars(select(ApiKey).where(col(ApiKey.key_hash) == hash_key(key))).all()
    engine.dispose()
    assert [code for code, _ in outcomes] == [0, 0, 0, 0], [err[-600:] for _, err in outcomes]
    assert len(stored) == 1


def test_a_bootstrap_that_loses_the_race_finds_the_key(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # The interleaving a two-worker server hit at start: this process found no key by hash, then the other
    # committed it, then this one's prefix check found it ("prefix collision"). That stopped the server.
    from credpath.services import access
    from credpath.storage.repositories import access as access_repo

    key = "start-race-admin-key-" + "0123456789abcdef" * 2
    access.bootstrap_admin_key(empty_engine, value=key, key_file=Path("unused.key"))
    real = access_repo.key_by_hash
    calls: list[str] = []

    def first_call_misses(session: Session, key_hash: str) -> ApiKey | None:
        calls.append(key_hash)
        return None if len(calls) == 1 else real(session, key_hash)

    monkeypatch.setattr(access_repo, "key_by_hash", first_call_misses)
    assert access.bootstrap_admin_key(empty_engine, value=key, key_file=Path("unused.key")) is None
    with Session(empty_engine) as session:
        stored = session.scalars(select(ApiKey).where(col(ApiKey.key_hash) == hash_key(key))).all()
    assert len(calls) == 2
    assert len(stored) == 1
