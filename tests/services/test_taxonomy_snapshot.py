"""The per-process taxonomy snapshot: served from memory until an ingest records a dataset, then rebuilt."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.services.taxonomy_snapshot import taxonomy_snapshot
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.tables import Skill

SQL = "http://data.europa.eu/esco/skill/sql"
EXCEL = "http://data.europa.eu/esco/skill/excel"


def _seed(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Skill(id=SQL, preferred_label="SQL"))
        session.add(Skill(id=EXCEL, preferred_label="use spreadsheets software"))
        dataset_repo.put_dataset(session, "esco", "hash-1", "1.1.1", {})
        session.commit()


def _relabel_sql(engine: Engine, label: str, *, as_ingest: bool) -> None:
    with Session(engine) as session:
        skill = session.get(Skill, SQL)
        assert skill is not None
        skill.preferred_label = label
        if as_ingest:
            dataset_repo.put_dataset(session, "esco", "hash-2", "1.2.0", {})
        session.commit()


def test_labels_come_from_memory_until_an_ingest_records_its_dataset(empty_engine: Engine) -> None:
    _seed(empty_engine)
    with Session(empty_engine) as session:
        first = taxonomy_snapshot(session)
        assert first.labels(session, [SQL, EXCEL, "not-a-skill"]) == {SQL: "SQL", EXCEL: "use spreadsheets software"}
    # A change that is not an ingest (nothing in credpath does this) is not seen: the snapshot is the cache.
    _relabel_sql(empty_engine, "structured query language", as_ingest=False)
    with Session(empty_engine) as session:
        assert taxonomy_snapshot(session) is first
        assert first.labels(session, [SQL]) == {SQL: "SQL"}
    # An ingest writes its dataset row: the next request builds a new snapshot.
    _relabel_sql(empty_engine, "SQL (language)", as_ingest=True)
    with Session(empty_engine) as session:
        second = taxonomy_snapshot(session)
        assert second is not first
        assert second.labels(session, [SQL]) == {SQL: "SQL (language)"}


def test_memo_loads_once_and_keeps_nothing_when_the_loader_raises(empty_engine: Engine) -> None:
    _seed(empty_engine)
    calls: list[str] = []

    def load() -> tuple[str, ...]:
        calls.append("load")
        return ("a", "b")

    def fail() -> tuple[str, ...]:
        calls.append("fail")
        raise LookupError("no such occupation")

    with Session(empty_engine) as session:
        snapshot = taxonomy_snapshot(session)
    assert snapshot.memo("k", load) == ("a", "b")
    assert snapshot.memo("k", load) == ("a", "b")
    for _ in range(2):
        with pytest.raises(LookupError):
            snapshot.memo("missing", fail)
    assert calls == ["load", "fail", "fail"]


def test_two_databases_never_share_a_snapshot(empty_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> None:
    from credpath.storage.db import create_db_engine, migrate

    _seed(empty_engine)
    other = create_db_engine(f"sqlite:///{tmp_path_factory.mktemp('other')}/other.db")
    migrate(other)
    with Session(empty_engine) as one, Session(other) as two:
        assert taxonomy_snapshot(one).labels(one, [SQL]) == {SQL: "SQL"}
        assert taxonomy_snapshot(two).labels(two, [SQL]) == {}
    other.dispose()


def test_the_version_is_read_once_per_transaction_and_again_after_a_commit(empty_engine: Engine) -> None:
    from sqlalchemy import event

    _seed(empty_engine)
    version_reads: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "max(dataset.loaded_at)" in statement:
            version_reads.append(statement)

    event.listen(empty_engine, "before_cursor_execute", count)
    try:
        with Session(empty_engine) as session:
            first = taxonomy_snapshot(session)
            assert taxonomy_snapshot(session) is first
            assert len(version_reads) == 1
            # An ingest in this very session commits its dataset row: the next read sees the new taxonomy.
            dataset_repo.put_dataset(session, "esco", "hash-2", "1.2.0", {})
            session.commit()
            second = taxonomy_snapshot(session)
            assert second is not first
            assert len(version_reads) == 2
    finally:
        event.remove(empty_engine, "before_cursor_execute", count)
