"""The pgvector backend against the in-process index, on a real PostgreSQL with the vector extension."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.errors import ArtifactError
from credpath.indexes import index_dir
from credpath.ml.index import IndexManifest, VectorIndex
from credpath.services.pgvector_index import PgVectorIndex
from credpath.services.semantic import SemanticService
from credpath.storage.db import create_db_engine, migrate
from credpath.storage.repositories import vectors as vector_repo
from credpath.vocabulary import VectorBackend
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def pg_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = create_db_engine(fresh_database_url("postgresql", tmp_path_factory.mktemp("vectors"), request))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def credentials(pg_engine: Engine, models_dir: Path) -> tuple[VectorIndex, PgVectorIndex]:
    directory = index_dir(models_dir, "credentials")
    return VectorIndex.load(directory, mmap=False, with_ann=False), PgVectorIndex.open(
        pg_engine, "credentials", directory
    )


def _queries(exact: VectorIndex, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picked = exact.vectors[rng.choice(len(exact.vectors), n, replace=False)]
    # Perturbed copies, so the nearest item is not trivially the query itself.
    noisy = picked + rng.normal(0, 0.05, picked.shape).astype(np.float32)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def test_pgvector_search_matches_exact_search(credentials: tuple[VectorIndex, PgVectorIndex]) -> None:
    exact, remote = credentials
    queries = _queries(exact, 60, seed=1)
    truth = exact.search(queries, 10)
    found = remote.search(queries, 10)
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found.ids, truth.ids, strict=True)])
    assert recall >= 0.95
    for row in range(len(queries)):
        # Scores are exact (every vector of a candidate item is scored), so shared items agree.
        expected = dict(zip(truth.ids[row], truth.scores[row].tolist(), strict=True))
        for item, score in zip(found.ids[row], found.scores[row].tolist(), strict=True):
            if item in expected:
                assert score == pytest.approx(expected[item], abs=1e-4)
        assert list(found.scores[row]) == sorted(found.scores[row], reverse=True)


def test_pgvector_scores_and_canonical_vectors_equal_in_process(
    credentials: tuple[VectorIndex, PgVectorIndex],
) -> None:
    exact, remote = credentials
    queries = _queries(exact, 3, seed=2)
    items = np.array([0, 5, 17, len(exact) - 1], dtype=np.int64)
    np.testing.assert_allclose(remote.score_items(queries, items), exact.score_items(queries, items), atol=1e-4)
    positions = [0, None, len(exact) - 1]
    np.testing.assert_allclose(remote.canonical_vectors(positions), exact.canonical_vectors(positions), atol=1e-6)


def test_pgvector_respects_the_allowed_mask(credentials: tuple[VectorIndex, PgVectorIndex]) -> None:
    exact, remote = credentials
    allowed = np.zeros(len(exact), dtype=bool)
    allowed[::40] = True  # a sparse filter leaves too few HNSW candidates: the exact restricted scan takes over
    queries = _queries(exact, 5, seed=3)
    truth = exact.search(queries, 10, allowed)
    found = remote.search(queries, 10, allowed)
    for f, t, positions in zip(found.ids, truth.ids, found.positions, strict=True):
        assert all(allowed[positions])
        assert len(set(f) & set(t)) >= 9


def test_a_published_generation_is_not_written_twice(pg_engine: Engine, models_dir: Path) -> None:
    directory = index_dir(models_dir, "credentials")
    manifest = VectorIndex.read_manifest(directory)
    assert manifest is not None
    index = VectorIndex.load(directory)
    generation = vector_repo.PublishedGeneration(manifest.texts_hash, manifest.built_at, manifest.n_vectors)
    PgVectorIndex.open(pg_engine, "credentials", directory)
    assert vector_repo.publish(pg_engine, "credentials", generation, index.vectors, index.owners) is False
    with Session(pg_engine) as session:
        assert vector_repo.published_generation(session, "credentials") == generation


def test_pgvector_backend_needs_postgresql(loaded_sqlite_url: str, models_dir: Path) -> None:
    engine = create_db_engine(loaded_sqlite_url)
    try:
        with pytest.raises(ArtifactError, match="PostgreSQL"):
            SemanticService.load(engine, models_dir, backend=VectorBackend.PGVECTOR)
    finally:
        engine.dispose()


def _synthetic(directory: Path, texts_hash: str, seed: int) -> VectorIndex:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(120, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners = np.repeat(np.arange(40), 3)
    manifest = IndexManifest(
        name="skills",
        encoder="synthetic",
        backend="none",
        dim=384,
        n_items=40,
        n_vectors=120,
        source_hash="s",
        texts_hash=texts_hash,
        ann=None,
        built_at=f"2026-11-29T08:0{seed}:00+00:00",
    )
    index = VectorIndex(
        [f"item-{i}" for i in range(40)], vectors, owners, np.ones(120, np.float32), np.zeros(120, np.uint64), manifest
    )
    index.save(directory)
    return index


def test_a_replica_never_searches_another_generation(pg_engine: Engine, tmp_path: Path) -> None:
    old = _synthetic(tmp_path / "old", "generation-1", seed=1)
    serving = PgVectorIndex.open(pg_engine, "skills", tmp_path / "old")
    query = old.vectors[:1]
    assert serving.search(query, 3).ids == old.search(query, 3).ids
    # A sparse filter leaves too few HNSW candidates: the exact restricted scan answers instead.
    allowed = np.zeros(40, dtype=bool)
    allowed[[3, 17, 29]] = True
    assert set(serving.search(query, 3, allowed).ids[0]) == {"item-3", "item-17", "item-29"}
    with Session(pg_engine) as session:
        restricted = vector_repo.nearest_items(session, "skills", query[0], 2, [3, 17, 29])
    assert len(restricted) == 2
    assert set(restricted.tolist()) <= {3, 17, 29}
    # Another replica loads a newer build and publishes it: this one refuses (503) until it reloads.
    _synthetic(tmp_path / "new", "generation-2", seed=2)
    reloaded = PgVectorIndex.open(pg_engine, "skills", tmp_path / "new")
    with pytest.raises(ArtifactError, match="newer skills index"):
        serving.search(query, 3)
    with pytest.raises(ArtifactError):
        serving.score_items(query, np.array([0]))
    assert len(reloaded.search(query, 3).ids[0]) == 3
