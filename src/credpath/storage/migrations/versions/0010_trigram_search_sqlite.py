"""Trigram indexes for the skill and occupation listings (SQLite only)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:00:00

``GET /v1/skills?q=`` and ``GET /v1/occupations?q=`` filter on substrings of every label. As ``LIKE``
that is a scan of all 13,896 skills' labels (3 MB, ~15 ms a query on this machine); an FTS5 table
with the trigram tokenizer answers a substring of three or more characters from an index (0.03 ms for
"sql"). Each index is external-content over its table's rowid, kept in step by triggers, so every
writer (ingest, transfer, tests) updates it without knowing it exists.

A later migration that rebuilds ``skill`` or ``occupation`` (batch mode copies rows, and rowids may
change) must end with ``INSERT INTO <table>_search(<table>_search) VALUES ('rebuild')``.

Credentials get none: their labels are 1.4 MB, a scan costs ~5 ms, and a broad word such as "data"
matches 2,207 of them, which the index answers more slowly than the scan.

PostgreSQL gets nothing here (the bundled server has no pg_trgm); its sequential scan stays. Neither
does an SQLite built without FTS5 or older than 3.34 (no trigram tokenizer): listings then keep the
scan, which gives the same answers (``storage/repositories/lexical.py`` looks for the index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("skill", "occupation")


def _has_trigram() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    version = tuple(int(part) for part in str(bind.execute(sa.text("SELECT sqlite_version()")).scalar()).split("."))
    options = {str(row[0]) for row in bind.execute(sa.text("PRAGMA compile_options"))}
    return version >= (3, 34) and "ENABLE_FTS5" in options


# The statements below are built from the constant table names above, never from input.
# ruff: noqa: S608


def upgrade() -> None:
    """Apply this revision."""
    if not _has_trigram():
        return
    for table in TABLES:
        index = f"{table}_search"
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5("
            f"search_text, content='{table}', content_rowid='rowid', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {index}(rowid, search_text) VALUES (new.rowid, new.search_text); END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF search_text ON {table} "
            f"WHEN old.search_text IS NOT new.search_text BEGIN "
            f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); "
            f"INSERT INTO {index}(rowid, search_text) VALUES (new.rowid, new.search_text); END"
        )
        op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        index = f"{table}_search"
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
