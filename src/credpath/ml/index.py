"""Multi-vector nearest-neighbour index: exact numpy top-k, optionally fronted by an HNSW graph.

An *item* (a skill, an occupation, a credential) owns one or more vectors (its labels, titles, a
description). An item's score for a query is the best weighted cosine over its vectors. Everything
is saved as plain arrays (``.npy``/``.npz`` with pickle disabled) plus a JSON manifest that records
what was embedded, so a stale index is detected instead of used.
"""

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["IndexManifest", "ItemIndex", "SearchResult", "VectorIndex", "subset", "text_hashes"]

log = logging.getLogger(__name__)

# Queries are scored in blocks so (queries x vectors) never exceeds ~256 x 120k floats (~120 MB).
_QUERY_BLOCK = 256
# Items whose best vectors tie (O*NET lists "Data Analyst" under several occupations) are separated by
# how close the query is to each item's first, canonical vector. Small enough never to reorder items
# whose best scores differ by more than 0.02 x (difference of canonical scores). Scores are divided by
# 1.02 so that an exact canonical match still scores 1.0.
TIEBREAK = 0.02


def text_hashes(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    """A 64-bit content hash per text: the key under which an embedding is reused across rebuilds."""
    return np.array(
        [int.from_bytes(hashlib.sha1(t.encode(), usedforsecurity=False).digest()[:8], "little") for t in texts],
        dtype=np.uint64,
    )


@dataclass(frozen=True, slots=True)
class IndexManifest:
    """What an index holds and what it was built from (``manifest.json``)."""

    name: str
    encoder: str
    backend: str
    dim: int
    n_items: int
    n_vectors: int
    source_hash: str
    texts_hash: str
    ann: str | None
    built_at: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Parallel arrays per query: item positions, item ids and scores, best first."""

    positions: list[npt.NDArray[np.int64]]
    ids: list[list[str]]
    scores: list[npt.NDArray[np.float32]]


class ItemIndex(Protocol):
    """What a search backend honours: the in-process :class:`VectorIndex`, or one served by a database."""

    item_ids: list[str]
    manifest: "IndexManifest | None"

    def __len__(self) -> int: ...

    def position(self, item_id: str) -> int | None:
        """Position of an item id, or None."""

    def search(
        self, queries: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.bool_] | None = None
    ) -> SearchResult:
        """Top-``k`` items per query (see :meth:`VectorIndex.search`)."""

    def score_items(self, queries: npt.NDArray[np.float32], items: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Exact ``(n_queries, len(items))`` scores for chosen items."""

    def canonical_vectors(self, positions: list[int | None]) -> npt.NDArray[np.float32]:
        """Each item's first (canonical) vector; zeros where the position is None."""


class VectorIndex:
    """Items with one or more unit vectors each; ``search`` returns each item's best weighted cosine.

    Args:
        item_ids: one id per item.
        vectors: ``(n_vectors, dim)`` float32, unit rows, grouped by item (owners non-decreasing).
        owners: ``(n_vectors,)`` item position of each vector.
        weights: ``(n_vectors,)`` multiplier per vector (e.g. descriptions count a little less than labels).
        hashes: ``(n_vectors,)`` content hash of each vector's text, for reuse on rebuild.
        manifest: what was embedded.

    Example:
        >>> v = np.eye(3, dtype=np.float32)
        >>> index = VectorIndex(["a", "b"], v, np.array([0, 0, 1]), np.ones(3, np.float32), np.zeros(3, np.uint64))
        >>> index.search(np.array([[0, 1, 0]], np.float32), k=1).ids
        [['a']]
    """

    def __init__(
        self,
        item_ids: list[str],
        vectors: npt.NDArray[np.float32],
        owners: npt.NDArray[np.integer[Any]],
        weights: npt.NDArray[np.float32],
        hashes: npt.NDArray[np.uint64],
        manifest: IndexManifest | None = None,
    ) -> None:
        if not (len(vectors) == len(owners) == len(weights) == len(hashes)):
            raise ValueError("vectors, owners, weights and hashes must have the same length")
        if len(owners) and (np.any(np.diff(owners) < 0) or owners[0] != 0 or owners[-1] != len(item_ids) - 1):
            raise ValueError("owners must be grouped by item and cover every item")
        self.item_ids = item_ids
        # A plain ndarray view of a memory-mapped file: same pages, but indexing skips ``np.memmap``'s
        # Python-level ``__getitem__`` (~30 us a call, 4 ms of a recommendation's 30).
        self.vectors = np.asarray(vectors)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.hashes = hashes
        self.manifest = manifest
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.owners) != 0]).astype(np.int64)
        self.ends = np.r_[self.starts[1:], len(self.owners)].astype(np.int64)
        self._uniform = bool(np.all(self.weights == 1.0))
        self._ann: Any = None
        self._positions = {item: position for position, item in enumerate(item_ids)}

    # -- queries -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.item_ids)

    def position(self, item_id: str) -> int | None:
        """Position of an item id, or None."""
        return self._positions.get(item_id)

    def canonical_vectors(self, positions: list[int | None]) -> npt.NDArray[np.float32]:
        """Each item's first (canonical) vector; zeros where the position is None."""
        out = np.zeros((len(positions), self.vectors.shape[1]), dtype=np.float32)
        for row, position in enumerate(positions):
            if position is not None:
                out[row] = self.vectors[self.starts[position]]
        return out

    def item_scores(self, queries: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Exact ``(n_queries, n_items)`` scores: best weighted cosine over each item's vectors."""
        out = np.empty((len(queries), len(self.item_ids)), dtype=np.float32)
        for start in range(0, len(queries), _QUERY_BLOCK):
            sims = queries[start : start + _QUERY_BLOCK] @ self.vectors.T
            if not self._uniform:
                sims *= self.weights
            best = np.maximum.reduceat(sims, self.starts, axis=1)
            out[start : start + _QUERY_BLOCK] = (best + TIEBREAK * sims[:, self.starts]) / (1 + TIEBREAK)
        return out

    def _rows_of(self, items: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The vector rows of ``items`` laid end to end, and where each item's rows begin.

        Vectorised (one ``arange`` and a repeat, not one ``arange`` per item): a search gathers the rows
        of ~100 candidate items, and the per-item loop cost more than the scoring.
        """
        counts = self.ends[items] - self.starts[items]
        offsets = np.zeros(len(items), dtype=np.int64)
        np.cumsum(counts[:-1], out=offsets[1:])
        rows = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(offsets - self.starts[items], counts)
        return rows, offsets

    def score_items(self, queries: npt.NDArray[np.float32], items: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Exact ``(n_queries, len(items))`` scores for chosen items only (cheap re-scoring of candidates)."""
        if len(items) == 0:
            return np.zeros((len(queries), 0), dtype=np.float32)
        rows, offsets = self._rows_of(items)
        sims = queries @ self.vectors[rows].T
        if not self._uniform:
            sims = sims * self.weights[rows]
        best = np.maximum.reduceat(sims, offsets, axis=1)
        scored: npt.NDArray[np.float32] = ((best + TIEBREAK * sims[:, offsets]) / (1 + TIEBREAK)).astype(np.float32)
        return scored

    def search(
        self, queries: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.bool_] | None = None
    ) -> SearchResult:
        """Top-``k`` items per query.

        Args:
            queries: ``(n, dim)`` unit vectors.
            k: items per query (capped at the number of allowed items).
            allowed: optional ``(n_items,)`` mask; items outside it are never returned.

        Returns:
            Parallel positions, ids and scores per query, best first.
        """
        if self._ann is not None:
            return self._search_ann(queries, k, allowed)
        return self.search_exact(queries, k, allowed)

    def search_exact(
        self, queries: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.bool_] | None = None
    ) -> SearchResult:
        """Top-``k`` items per query by exact scoring, bypassing any ANN front.

        For batch jobs: thousands of queries at once are one matrix product per block, much faster
        than the ANN's one-query-at-a-time search.
        """
        return self._rank(self.item_scores(queries), k, allowed)

    def _rank(self, scores: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.bool_] | None) -> SearchResult:
        if allowed is not None:
            scores = np.where(allowed[None, :], scores, -np.inf).astype(np.float32)
        available = len(self.item_ids) if allowed is None else int(allowed.sum())
        k = max(0, min(k, available))
        positions: list[npt.NDArray[np.int64]] = []
        values: list[npt.NDArray[np.float32]] = []
        for row in scores:
            if k == 0:
                top = np.zeros(0, dtype=np.int64)
            else:
                top = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
                top = top[np.argsort(-row[top], kind="stable")]
            positions.append(top.astype(np.int64))
            values.append(row[top].astype(np.float32))
        return SearchResult(positions, [[self.item_ids[p] for p in top] for top in positions], values)

    def _search_ann(
        self, queries: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.bool_] | None
    ) -> SearchResult:
        # The graph proposes candidate vectors; every candidate item is then scored exactly over all of
        # its vectors, so returned scores equal the exact ones and only recall can differ.
        candidates = min(len(self.vectors), max(128, 16 * k))
        self._ann.set_ef(max(candidates, 64))
        labels, _ = self._ann.knn_query(queries, k=candidates, num_threads=1)
        positions: list[npt.NDArray[np.int64]] = []
        ids: list[list[str]] = []
        values: list[npt.NDArray[np.float32]] = []
        for query, row in zip(queries, labels, strict=True):
            items = np.unique(self.owners[row.astype(np.int64)])
            if allowed is not None:
                items = items[allowed[items]]
            if len(items) < k and (allowed is None or int(allowed.sum()) > len(items)):
                exact = self._rank(self.item_scores(query[None, :]), k, allowed)
                positions.append(exact.positions[0])
                ids.append(exact.ids[0])
                values.append(exact.scores[0])
                continue
            rows, offsets = self._rows_of(items)
            sims = self.vectors[rows] @ query
            if not self._uniform:
                sims = sims * self.weights[rows]
            best = np.maximum.reduceat(sims, offsets)
            item_scores = ((best + TIEBREAK * sims[offsets]) / (1 + TIEBREAK)).astype(np.float32)
            order = np.argsort(-item_scores, kind="stable")[:k]
            top = items[order].astype(np.int64)
            positions.append(top)
            ids.append([self.item_ids[p] for p in top])
            values.append(item_scores[order])
        return SearchResult(positions, ids, values)

    # -- approximate search ----------------------------------------------------------------------------

    def build_ann(self, *, threads: int = 2, m: int = 16, ef_construction: int = 100) -> None:
        """Build an HNSW graph over the vectors (inner product = cosine on unit vectors)."""
        import hnswlib

        started = time.perf_counter()
        graph = hnswlib.Index(space="ip", dim=self.vectors.shape[1])
        graph.init_index(max_elements=len(self.vectors), ef_construction=ef_construction, M=m, random_seed=7)
        graph.add_items(np.ascontiguousarray(self.vectors), np.arange(len(self.vectors)), num_threads=threads)
        self._ann = graph
        log.info("HNSW over %d vectors built in %.1fs", len(self.vectors), time.perf_counter() - started)

    @property
    def has_ann(self) -> bool:
        """Whether searches go through the HNSW graph."""
        return self._ann is not None

    # -- persistence -------------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write arrays, ids, the graph (if any) and the manifest (last, so a partial write looks absent)."""
        if self.manifest is None:
            raise ValueError("an index needs a manifest to be saved")
        directory.mkdir(parents=True, exist_ok=True)
        # Every file is written under a temporary name and renamed into place: a running replica has the
        # old files memory-mapped, and a rename leaves their pages intact where an in-place rewrite would
        # truncate them under it. The manifest goes first and comes back last, so a reader never loads a
        # half-written generation (it sees "absent" meanwhile and keeps serving the one it has).
        (directory / "manifest.json").unlink(missing_ok=True)
        staged = directory / ".staging"
        staged.mkdir(exist_ok=True)
        np.save(staged / "vectors.npy", np.ascontiguousarray(self.vectors), allow_pickle=False)
        np.savez(staged / "meta.npz", owners=self.owners, weights=self.weights, hashes=self.hashes)
        (staged / "ids.json").write_text(json.dumps(self.item_ids), encoding="utf-8")
        files = ["vectors.npy", "meta.npz", "ids.json"]
        if self._ann is not None:
            self._ann.save_index(str(staged / "hnsw.bin"))
            files.append("hnsw.bin")
        else:
            (directory / "hnsw.bin").unlink(missing_ok=True)
        for name in files:
            (staged / name).replace(directory / name)
        staged.rmdir()
        # The manifest says whether a graph was saved, whatever the index was created with.
        manifest = replace(self.manifest, ann="hnsw" if self._ann is not None else None)
        self.manifest = manifest
        (staged.parent / ".manifest.json").write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
        (staged.parent / ".manifest.json").replace(directory / "manifest.json")

    @staticmethod
    def read_manifest(directory: Path) -> IndexManifest | None:
        """The manifest of a saved index, or None when there is no complete index there."""
        path = directory / "manifest.json"
        if not path.is_file():
            return None
        return IndexManifest(**json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True, with_ann: bool = True) -> "VectorIndex":
        """Load a saved index; vectors are memory-mapped so only the pages searched become resident."""
        manifest = cls.read_manifest(directory)
        if manifest is None:
            raise FileNotFoundError(f"no index at {directory}")
        vectors = np.load(directory / "vectors.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
        with np.load(directory / "meta.npz", allow_pickle=False) as meta:
            owners, weights, hashes = meta["owners"], meta["weights"], meta["hashes"]
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        index = cls(ids, vectors, owners, weights, hashes, manifest)
        graph_file = directory / "hnsw.bin"
        if with_ann and manifest.ann == "hnsw" and graph_file.is_file():
            import hnswlib

            graph = hnswlib.Index(space="ip", dim=manifest.dim)
            graph.load_index(str(graph_file), max_elements=manifest.n_vectors)
            index._ann = graph
        return index


def subset(index: VectorIndex, keep: npt.NDArray[np.bool_]) -> VectorIndex:
    """A new exact index over the vectors where ``keep`` is true (items left with no vector are dropped).

    Evaluation uses it to hold labels out of the index they are queried against.
    """
    owners = index.owners[keep]
    kept_items = np.unique(owners)
    remap = np.full(len(index.item_ids), -1, dtype=np.int64)
    remap[kept_items] = np.arange(len(kept_items))
    return VectorIndex(
        [index.item_ids[i] for i in kept_items],
        np.ascontiguousarray(index.vectors[keep]),
        remap[owners],
        index.weights[keep],
        index.hashes[keep],
        index.manifest,
    )
