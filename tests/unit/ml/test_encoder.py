"""The serving encoder: a text's vector must not depend on the texts encoded beside it."""

from pathlib import Path

import numpy as np

from credpath.ml.encoder import OnnxEncoder
from credpath.ml.export import read_artifact


def _serving(models_dir: Path) -> OnnxEncoder:
    artifact = read_artifact(models_dir)
    assert artifact is not None
    assert artifact.backend == "onnx-int8"
    return OnnxEncoder(artifact.model_file(models_dir), backend=artifact.backend)


def test_int8_vector_is_independent_of_its_batch(models_dir: Path) -> None:
    encoder = _serving(models_dir)
    alone = encoder.encode(["SQL"])
    longer = "We need someone who can write SQL queries against our warehouse and build dashboards for sales."
    beside = encoder.encode(["SQL", longer, "bake bread"])
    reversed_order = encoder.encode(["bake bread", longer, "SQL"], batch_size=2)
    assert np.array_equal(alone[0], beside[0])
    assert np.array_equal(alone[0], reversed_order[2])
    assert np.array_equal(encoder.encode([longer])[0], beside[1])


def test_int8_vectors_are_unit_length_and_meaningful(models_dir: Path) -> None:
    vectors = _serving(models_dir).encode(["SQL", "structured query language", "bake bread"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
