"""Service health: database, loaded data and index state."""

from datetime import datetime

import msgspec

from credpath.vocabulary import IndexStatus

__all__ = ["DatasetState", "Health", "IndexState", "Liveness", "Readiness", "ServedIndex"]


class DatasetState(msgspec.Struct, frozen=True, kw_only=True):
    """A loaded source."""

    name: str
    version: str | None
    loaded_at: datetime
    content_hash: str


class ServedIndex(msgspec.Struct, frozen=True, kw_only=True):
    """The index generation this replica answers with: when it was built and which model embedded it."""

    generation: str
    model: str


class IndexState(msgspec.Struct, frozen=True, kw_only=True):
    """State of the embedding indexes: ``ready``, ``stale`` (data changed since the build) or ``absent``.

    ``indexes`` compares the builds on disk with the data now; ``serving`` is what this replica has loaded
    (a new build on disk is loaded within ``CREDPATH_INDEX_CHECK_SECONDS``, without a restart).
    """

    state: IndexStatus
    detail: str
    indexes: dict[str, IndexStatus] = msgspec.field(default_factory=dict)
    encoder: str | None = None
    serving: dict[str, ServedIndex] = msgspec.field(default_factory=dict)


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """Service health: database reachable, data loaded, index state."""

    status: str
    database: bool
    data_loaded: bool
    counts: dict[str, int]
    datasets: list[DatasetState]
    index: IndexState


class Liveness(msgspec.Struct, frozen=True, kw_only=True):
    """The process is up and answering."""

    status: str = "alive"


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    """Whether this replica should receive traffic: database reachable, every index loaded and fresh."""

    ready: bool
    database: bool
    indexes: dict[str, IndexStatus]
    loaded: bool
    detail: str
