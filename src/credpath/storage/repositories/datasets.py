"""Loaded sources: which files each dataset was loaded from (by hash), and row counts."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, SQLModel, col

from credpath.storage.tables import Dataset

__all__ = ["count_rows", "dataset_hashes", "datasets_version", "get_dataset", "list_datasets", "put_dataset"]


def get_dataset(session: Session, name: str) -> Dataset | None:
    """The dataset row for ``name``, if that source was ever loaded."""
    return session.get(Dataset, name)


def list_datasets(session: Session) -> list[Dataset]:
    """All loaded datasets, by name."""
    return list(session.scalars(select(Dataset).order_by(col(Dataset.name))))


def put_dataset(session: Session, name: str, content_hash: str, version: str | None, stats: dict[str, Any]) -> None:
    """Record that ``name`` now holds the data whose files hash to ``content_hash``."""
    row = session.get(Dataset, name)
    if row is None:
        session.add(Dataset(name=name, content_hash=content_hash, version=version, stats=stats))
    else:
        row.content_hash, row.version, row.stats, row.loaded_at = content_hash, version, stats, datetime.now(UTC)
    session.flush()


def dataset_hashes(session: Session) -> dict[str, str]:
    """Loaded dataset name → content hash."""
    query = select(col(Dataset.name), col(Dataset.content_hash))
    return {name: digest for name, digest in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def datasets_version(session: Session) -> tuple[Any, ...]:
    """How many datasets are loaded and when the last was: every ingest writes its row with a new ``loaded_at``."""
    count, last = session.execute(select(func.count(), func.max(col(Dataset.loaded_at)))).one()
    return int(count), last


def count_rows(session: Session, model: type[SQLModel], where: ColumnElement[bool] | None = None) -> int:
    """Number of rows in ``model``'s table (optionally filtered)."""
    query = select(func.count()).select_from(model)
    if where is not None:
        query = query.where(where)
    return int(session.scalar(query) or 0)
