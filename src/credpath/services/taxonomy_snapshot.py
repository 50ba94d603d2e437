"""A per-process snapshot of the taxonomy: skill labels, and whatever is derived from one occupation.

Only ``credpath ingest`` changes the taxonomy, and every ingest records its sources in ``dataset``
(hash and load time). A request reads those few rows and serves the rest from memory, so a replica sees a
new ingest on its next request. Why: under a mixed load (py-spy, c=32), reading the same occupation's skill
profile (a join returning 100+ ORM rows) and the same labels in every gap, pathway and occupation request
was ~15% of a worker's CPU.

The memo holds only what exists in the taxonomy (a loader that raises stores nothing), so it is bounded by
the number of occupations, whatever ids clients send.
"""

from collections.abc import Callable, Hashable, Sequence
from threading import Lock
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.repositories import skills as skill_repo

__all__ = ["TaxonomySnapshot", "taxonomy_snapshot"]

T = TypeVar("T")


class TaxonomySnapshot:
    """The taxonomy as one version of ``dataset`` describes it; values in it are shared, never mutate them."""

    def __init__(self, version: tuple[Any, ...]) -> None:
        self.version = version
        self._labels: dict[str, str] | None = None
        self._memo: dict[Hashable, Any] = {}
        self._lock = Lock()

    def labels(self, session: Session, skill_ids: Sequence[str]) -> dict[str, str]:
        """Skill id → preferred label, for the ids that are ESCO skills."""
        labels = self._labels
        if labels is None:
            # All of them at once (~14k short rows): cheaper than one IN query per request from the second on.
            labels = self._labels = skill_repo.all_skill_labels(session)
        return {skill: labels[skill] for skill in skill_ids if skill in labels}

    def memo(self, key: Hashable, load: Callable[[], T]) -> T:
        """``load()`` once per key and snapshot (two threads may both load it the first time; same result)."""
        try:
            found: T = self._memo[key]
            return found
        except KeyError:
            value = load()
            with self._lock:
                self._memo.setdefault(key, value)
            return value


# Keyed by the engine itself (weakly): two engines on equal URLs (in-memory SQLite) are two databases.
_SNAPSHOTS: "WeakKeyDictionary[Engine, TaxonomySnapshot]" = WeakKeyDictionary()
_SNAPSHOTS_LOCK = Lock()
_SESSION_KEY = "credpath.taxonomy_snapshot"


def taxonomy_snapshot(session: Session) -> TaxonomySnapshot:
    """The snapshot for this session's database as it is now (a new one after any ingest).

    Checked once per transaction: a recommendation asks four or five times, and each check is a query
    (~0.6 ms). A commit starts a new transaction, so a session that ingests and then reads sees the new
    taxonomy.
    """
    transaction = session.get_transaction()
    cached = session.info.get(_SESSION_KEY)
    if transaction is not None and cached is not None and cached[0] is transaction:
        snapshot: TaxonomySnapshot = cached[1]
        return snapshot
    version = dataset_repo.datasets_version(session)
    key = session.get_bind().engine
    with _SNAPSHOTS_LOCK:
        current = _SNAPSHOTS.get(key)
        if current is None or current.version != version:
            current = _SNAPSHOTS[key] = TaxonomySnapshot(version)
    session.info[_SESSION_KEY] = (session.get_transaction(), current)
    return current
