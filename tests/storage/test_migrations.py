"""Several processes migrating one new database at once (``serve --workers N``) all start."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

import credpath.storage
from credpath.storage.db import create_db_engine
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_first_migrations_all_succeed(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = fresh_database_url(backend, tmp_path, request)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, url, str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    time.sleep(3)  # let every interpreter import credpath and reach the wait
    go.touch()
    outcomes = [(worker.wait(timeout=300), worker.stderr.read() if worker.stderr else "") for worker in workers]
    engine = create_db_engine(url)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert [code for code, _ in outcomes] == [0, 0, 0, 0], [err[-600:] for _, err in outcomes]
    migrations = Path(credpath.storage.__file__).with_name("migrations")
    assert revision == ScriptDirectory(str(migrations)).get_current_head()
