"""Idempotent bulk synchronisation of source rows into a table (the write path of every ingest)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, insert, select, update
from sqlmodel import Session, SQLModel

__all__ = ["SyncCounts", "sync_rows"]

# Keeps each executemany statement well under PostgreSQL's 65,535 bind-parameter limit.
_CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class SyncCounts:
    """What one sync did to one table."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """Whether the sync wrote anything."""
        return bool(self.inserted or self.updated or self.deleted)


def _chunks(rows: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def sync_rows(
    session: Session,
    model: type[SQLModel],
    rows: Sequence[Mapping[str, Any]],
    *,
    scope: ColumnElement[bool] | None = None,
    delete_missing: bool = False,
    touch: Mapping[str, Any] | None = None,
) -> SyncCounts:
    """Make ``model``'s table hold ``rows``: insert new keys, update rows whose values differ.

    Only the columns present in ``rows`` are compared, so a second sync of the same rows writes
    nothing. Runs inside the caller's transaction; the caller commits.

    Args:
        session: open session (its transaction is used).
        model: the table model.
        rows: full rows keyed by column name; all rows carry the same columns including the primary key.
        scope: restricts which existing rows belong to this source (for ``delete_missing``).
        delete_missing: delete existing in-scope rows whose key is absent from ``rows``.
        touch: extra values written only on inserted or updated rows (e.g. ``updated_at``).

    Returns:
        Counts of inserted, updated, deleted and unchanged rows.
    """
    table: Table = model.__table__  # type: ignore[attr-defined]
    key_columns = [column.name for column in table.primary_key.columns]
    columns = list(rows[0].keys()) if rows else key_columns
    compared = [name for name in columns if name not in key_columns]
    query = select(*(table.c[name] for name in key_columns + compared))
    if scope is not None:
        query = query.where(scope)
    existing: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for record in session.execute(query):
        values = tuple(record)
        existing[values[: len(key_columns)]] = values[len(key_columns) :]

    extra = dict(touch or {})
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    unchanged = 0
    for row in rows:
        key = tuple(row[name] for name in key_columns)
        seen.add(key)
        current = existing.get(key)
        if current is None:
            to_insert.append({**row, **extra})
        elif current != tuple(row[name] for name in compared):
            to_update.append({**row, **extra})
        else:
            unchanged += 1

    for chunk in _chunks(to_insert):
        session.execute(insert(table), list(chunk))
    if to_update:
        # Bind names are prefixed because SQLAlchemy reserves bare column names in UPDATE ... VALUES.
        where = and_(*(table.c[name] == bindparam(f"k_{name}") for name in key_columns))
        assigned = [name for name in to_update[0] if name not in key_columns]
        statement = update(table).where(where).values({name: bindparam(f"v_{name}") for name in assigned})
        params = [
            {**{f"k_{name}": row[name] for name in key_columns}, **{f"v_{name}": row[name] for name in assigned}}
            for row in to_update
        ]
        for chunk in _chunks(params):
            session.execute(statement, list(chunk))
    deleted = 0
    if delete_missing:
        stale = [key for key in existing if key not in seen]
        where = and_(*(table.c[name] == bindparam(f"k_{name}") for name in key_columns))
        for chunk in _chunks(stale):
            session.execute(
                delete(table).where(where),
                [dict(zip((f"k_{n}" for n in key_columns), key, strict=True)) for key in chunk],
            )
        deleted = len(stale)
    return SyncCounts(inserted=len(to_insert), updated=len(to_update), deleted=deleted, unchanged=unchanged)
