"""Units of work that handlers run off the event loop (``services.transactions.run_unit_of_work``)."""

import threading
from pathlib import Path

import anyio
import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Session

from credpath.services.transactions import WriteGate, run_unit_of_work
from credpath.storage.db import create_db_engine


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'units.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (body TEXT NOT NULL)")
    return engine


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM note")).scalar_one())


def test_a_write_commits_in_the_thread_that_did_the_work(engine: Engine) -> None:
    """SQLite's write lock is held from the first statement to the commit; nothing in between may wait for the
    event loop or a second thread (under load that wait held the lock while every other writer queued)."""
    threads: dict[str, int] = {}

    def on_commit(_connection: Connection) -> None:
        threads["commit"] = threading.get_ident()

    event.listen(engine, "commit", on_commit)

    def work(session: Session) -> str:
        threads["work"] = threading.get_ident()
        session.execute(text("INSERT INTO note (body) VALUES ('kept')"))
        return "done"

    assert anyio.run(run_unit_of_work, engine, work, WriteGate(1)) == "done"
    assert threads["commit"] == threads["work"]
    assert threads["work"] != threading.get_ident()
    assert _count(engine) == 1


def test_a_unit_that_fails_changes_nothing(engine: Engine) -> None:
    def work(session: Session) -> None:
        session.execute(text("INSERT INTO note (body) VALUES ('lost')"))
        raise ValueError("bad input found after the first write")

    with pytest.raises(ValueError, match="bad input"):
        anyio.run(run_unit_of_work, engine, work, WriteGate(1))
    assert _count(engine) == 0
