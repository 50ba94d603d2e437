"""``credpath copy-database``: a copied PostgreSQL database keeps accepting inserts into id-keyed tables."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from credpath.storage.db import create_db_engine, migrate, session_scope
from credpath.storage.tables import AuditEvent
from credpath.storage.transfer import copy_database
from tests.conftest import fresh_database_url


def _event(entity_id: str) -> AuditEvent:
    return AuditEvent(at=datetime.now(UTC), actor="cp_test", action="create", entity="learner", entity_id=entity_id)


def test_ids_continue_after_the_copied_rows(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    source = create_db_engine(f"sqlite:///{tmp_path / 'source.db'}")
    migrate(source)
    with session_scope(source) as session:
        session.add_all([_event("l1"), _event("l2")])
    target: Engine = create_db_engine(fresh_database_url("postgresql", tmp_path, request))
    migrate(target)
    assert copy_database(source, target)["audit_event"] == 2
    # COPY writes ids 1 and 2 but not the sequence; the next insert must not reuse id 1.
    with session_scope(target) as session:
        session.add(_event("l3"))
    with session_scope(target) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 3
        assert session.scalar(select(func.max(AuditEvent.id))) == 3
    source.dispose()
    target.dispose()
