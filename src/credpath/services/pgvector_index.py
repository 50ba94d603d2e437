"""Nearest-neighbour search served from PostgreSQL (pgvector HNSW) instead of memory-mapped files.

For deployments whose indexes outgrow one process's memory (``CREDPATH_VECTOR_BACKEND=pgvector``): a
replica keeps only each index's ids, vector owners and weights (a few MB); the vectors live in the
``index_vector`` table. :class:`PgVectorIndex` honours the ``ItemIndex`` contract of the in-process
index: the HNSW graph proposes candidate vectors, and every candidate item is then scored exactly over
all of its vectors (best weighted cosine, same tie-break), so returned scores equal the in-process
ones and only recall can differ (measured: README "Running several replicas").

The first replica to load a build publishes its vectors (one transaction under an advisory lock);
the others find that generation already there.
"""

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.errors import ArtifactError
from credpath.ml.index import TIEBREAK, IndexManifest, SearchResult, VectorIndex
from credpath.storage.repositories import vectors as vector_repo

__all__ = ["PgVectorIndex"]

log = logging.getLogger(__name__)


class PgVectorIndex:
    """One index searched in PostgreSQL.

    Args:
        engine: a PostgreSQL engine whose database has the pgvector tables (migration 0006).
        name: ``skills``, ``occupations`` or ``credentials``.
        item_ids: one id per item (the build's ``ids.json``).
        owners: ``(n_vectors,)`` item position of each vector.
        weights: ``(n_vectors,)`` multiplier per vector.
        manifest: the build's manifest.
    """

    def __init__(
        self,
        engine: Engine,
        name: str,
        item_ids: list[str],
        owners: npt.NDArray[np.int64],
        weights: npt.NDArray[np.float32],
        manifest: IndexManifest | None,
    ) -> None:
        self.engine = engine
        self.name = name
        self.item_ids = item_ids
        self.manifest = manifest
        self.owners = np.asarray(owners, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.owners) != 0]).astype(np.int64)
        self._positions = {item: position for position, item in enumerate(item_ids)}
        self._texts_hash = manifest.texts_hash if manifest is not None else ""

    @classmethod
    def open(cls, engine: Engine, name: str, directory: Path) -> "PgVectorIndex":
        """Open the build at ``directory``, publishing its vectors first unless that build is already there."""
        manifest = VectorIndex.read_manifest(directory)
        if manifest is None:
            raise FileNotFoundError(f"no index at {directory}")
        with Session(engine) as session:
            if not vector_repo.has_vector_tables(session):
                raise ArtifactError(
                    "CREDPATH_VECTOR_BACKEND=pgvector needs PostgreSQL with the vector extension (migration 0006)"
                )
        with np.load(directory / "meta.npz", allow_pickle=False) as meta:
            owners, weights = meta["owners"], meta["weights"]
        generation = vector_repo.PublishedGeneration(manifest.texts_hash, manifest.built_at, manifest.n_vectors)
        started = time.perf_counter()
        vectors = np.load(directory / "vectors.npy", mmap_mode="r", allow_pickle=False)
        if vector_repo.publish(engine, name, generation, vectors, owners):
            log.info("published %d %s vectors to pgvector in %.1fs", len(vectors), name, time.perf_counter() - started)
        del vectors
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        return cls(engine, name, ids, owners, weights, manifest)

    def __len__(self) -> int:
        return len(self.item_ids)

    @contextmanager
    def _snapshot(self) -> Iterator[Session]:
        """A read-only snapshot in which the table still holds this index's generation.

        A newer build published by another replica replaces the rows in one transaction; in a repeatable-read
        snapshot this replica sees either its own generation (and searches it) or the new one, and then
        answers 503 for the few seconds until its index check loads the new build: never a mix.
        """
        with Session(self.engine) as session:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            published = vector_repo.published_generation(session, self.name)
            if published is None or published.texts_hash != self._texts_hash:
                raise ArtifactError(f"a newer {self.name} index is being loaded; retry in a few seconds")
            yield session

    def position(self, item_id: str) -> int | None:
        """Position of an item id, or None."""
        return self._positions.get(item_id)

    def _score(self, session: Session, query: npt.NDArray[np.float32], items: npt.NDArray[np.int64]) -> Any:
        numbers, sims = vector_repo.row_similarities(session, self.name, query, items.tolist())
        sims = sims * self.weights[numbers]
        by_row = dict(zip(numbers.tolist(), range(len(numbers)), strict=True))
        owners = self.owners[numbers]
        best = np.full(len(self.item_ids), -np.inf, dtype=np.float32)
        np.maximum.at(best, owners, sims)
        canonical = np.array([sims[by_row[int(self.starts[i])]] for i in items], dtype=np.float32)
        return ((best[items] + TIEBREAK * canonical) / (1 + TIEBREAK)).astype(np.float32)

    def score_items(self, queries: npt.NDArray[np.float32], items: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Exact ``(n_queries, len(items))`` scores for chosen items, computed in the database."""
        out = np.zeros((len(queries), len(items)), dtype=np.float32)
        if len(items) == 0:
            return out
        with self._snapshot() as session:
            for row, query in enumerate(queries):
                out[row] = self._score(session, query, items)
        return out

    def search(
        self, queries: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.bool_] | None = None
    ) -> SearchResult:
        """Top-``k`` items per query: HNSW candidates in PostgreSQL, then exact item scores."""
        available = len(self.item_ids) if allowed is None else int(allowed.sum())
        k = max(0, min(k, available))
        candidates = max(128, 16 * k)
        positions: list[npt.NDArray[np.int64]] = []
        values: list[npt.NDArray[np.float32]] = []
        with self._snapshot() as session:
            for query in queries:
                items = np.unique(vector_repo.nearest_items(session, self.name, query, candidates))
                if allowed is not None:
                    items = items[allowed[items]]
                if len(items) < k:
                    # The filter left too few: search only the allowed items, exactly.
                    only = np.flatnonzero(allowed).tolist() if allowed is not None else None
                    items = np.unique(vector_repo.nearest_items(session, self.name, query, candidates, only))
                if k == 0 or len(items) == 0:
                    positions.append(np.zeros(0, dtype=np.int64))
                    values.append(np.zeros(0, dtype=np.float32))
                    continue
                scores = self._score(session, query, items)
                order = np.argsort(-scores, kind="stable")[:k]
                positions.append(items[order].astype(np.int64))
                values.append(scores[order])
        return SearchResult(positions, [[self.item_ids[p] for p in top] for top in positions], values)

    def canonical_vectors(self, positions: list[int | None]) -> npt.NDArray[np.float32]:
        """Each item's first (canonical) vector, read from the database; zeros where the position is None."""
        dim = self.manifest.dim if self.manifest is not None else 0
        out = np.zeros((len(positions), dim), dtype=np.float32)
        rows = [int(self.starts[p]) for p in positions if p is not None]
        if not rows:
            return out
        with self._snapshot() as session:
            found = vector_repo.canonical_vectors(session, self.name, rows)
        for row, position in enumerate(positions):
            if position is not None:
                out[row] = found[int(self.starts[position])]
        return out
