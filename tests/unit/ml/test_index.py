"""VectorIndex: multi-vector max scoring, filters, HNSW agreement with exact search, persistence."""

from pathlib import Path

import numpy as np
import pytest

from credpath.ml.index import IndexManifest, VectorIndex, subset


def _random_index(n_items: int = 300, per_item: int = 3, dim: int = 32, seed: int = 0) -> VectorIndex:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n_items * per_item, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners = np.repeat(np.arange(n_items), per_item)
    manifest = IndexManifest("t", "enc", "onnx-int8", dim, n_items, len(vectors), "src", "txt", None, "now")
    ids = [f"item{i}" for i in range(n_items)]
    return VectorIndex(
        ids, vectors, owners, np.ones(len(vectors), np.float32), np.arange(len(vectors), dtype=np.uint64), manifest
    )


def test_item_score_is_best_vector() -> None:
    index = _random_index()
    first = index.search(index.vectors[6][None, :], 3)  # item 2's first (canonical) vector
    assert first.ids[0][0] == "item2"
    assert first.scores[0][0] == pytest.approx(1.0, abs=1e-5)
    second = index.search(index.vectors[7][None, :], 3)  # item 2's second vector: still item 2, best score
    assert second.ids[0][0] == "item2"
    assert second.scores[0][0] > 0.97
    assert second.scores[0][0] > second.scores[0][1]


def test_filter_excludes_items() -> None:
    index = _random_index()
    allowed = np.ones(len(index), dtype=bool)
    allowed[2] = False
    result = index.search(index.vectors[7][None, :], 5, allowed)
    assert "item2" not in result.ids[0]
    assert len(result.ids[0]) == 5


def test_hnsw_matches_exact_scores() -> None:
    index = _random_index(n_items=500)
    rng = np.random.default_rng(1)
    queries = index.vectors[rng.choice(len(index.vectors), 50)] + 0.05 * rng.standard_normal((50, 32)).astype(
        np.float32
    )
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = index.search(queries, 10)
    index.build_ann(threads=1)
    approx = index.search(queries, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx.ids, exact.ids, strict=True)])
    assert recall >= 0.95
    for a_ids, a_scores, e_ids, e_scores in zip(approx.ids, approx.scores, exact.ids, exact.scores, strict=True):
        shared = dict(zip(e_ids, e_scores, strict=True))
        for item, score in zip(a_ids, a_scores, strict=True):
            if item in shared:
                assert score == pytest.approx(shared[item], abs=1e-5)


def test_save_load_roundtrip(tmp_path: Path) -> None:
    index = _random_index()
    index.build_ann(threads=1)
    index.save(tmp_path / "idx")
    loaded = VectorIndex.load(tmp_path / "idx")
    assert loaded.has_ann
    assert loaded.manifest == index.manifest
    assert loaded.manifest is not None
    assert loaded.manifest.ann == "hnsw"
    query = index.vectors[:4]
    assert loaded.search(query, 5).ids == index.search(query, 5).ids
    assert not list(tmp_path.glob("idx/*.pkl"))


def test_subset_drops_vectors_and_empty_items() -> None:
    index = _random_index(n_items=4, per_item=2)
    keep = np.array([True, False, False, False, True, True, False, True])
    smaller = subset(index, keep)
    assert smaller.item_ids == ["item0", "item2", "item3"]
    assert len(smaller.vectors) == 4


def test_rejects_ungrouped_owners() -> None:
    vectors = np.eye(3, dtype=np.float32)
    with pytest.raises(ValueError, match="grouped"):
        VectorIndex(["a", "b"], vectors, np.array([1, 0, 1]), np.ones(3, np.float32), np.zeros(3, np.uint64))
