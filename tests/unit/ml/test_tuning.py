"""The fine-tuning loop on a few real steps, its batches, and which weights the encoder then uses."""

import json
from pathlib import Path

import numpy as np
import pytest

from credpath.ml.encoder import TorchEncoder, bundled_model_dir
from credpath.ml.tuning import Pair, TuningRecipe, _batches, fine_tune, read_tuning


def test_batches_never_repeat_a_positive() -> None:
    pairs = [Pair(f"q{i}", f"p{i % 7}", "x") for i in range(70)]
    batches = _batches(pairs, TuningRecipe(steps=12, batch_size=5), __import__("random").Random(1))
    assert len(batches) == 12
    for batch in batches:
        assert len({p.positive for p in batch}) == len(batch)


def _margin(encoder: TorchEncoder, pairs: list[Pair]) -> float:
    """Mean over pairs of sim(query, own positive) minus the best sim(query, another pair's positive)."""
    queries = encoder.encode([p.query for p in pairs])
    positives = encoder.encode([p.positive for p in pairs])
    similarity = queries @ positives.T
    own = np.diag(similarity).copy()
    np.fill_diagonal(similarity, -1.0)
    return float((own - similarity.max(axis=1)).mean())


@pytest.mark.slow
def test_fine_tune_separates_trained_pairs_and_saves_a_loadable_model(tmp_path: Path) -> None:
    # A few real optimiser steps on the real model: each query must move towards its own positive
    # relative to the others (what the in-batch loss optimises), and the saved folder must load.
    pairs = [
        Pair("wrangle spreadsheets daily", "use spreadsheets software", "t"),
        Pair("fix cars and vans", "repair vehicles", "t"),
        Pair("You will greet hotel guests.", "welcome guests", "t"),
        Pair("Solid knowledge of payroll.", "payroll administration", "t"),
        Pair("bake sourdough bread", "produce bakery products", "t"),
        Pair("drive a forklift in the warehouse", "operate forklift", "t"),
        Pair("write unit tests", "perform software unit testing", "t"),
        Pair("teach children to read", "teach literacy", "t"),
    ]
    before = _margin(TorchEncoder(), pairs)
    artifact = fine_tune(
        pairs,
        bundled_model_dir(),
        tmp_path / "encoder" / "tuned",
        recipe=TuningRecipe(steps=8, batch_size=8, learning_rate=1e-4, warmup_fraction=0.1),
        base="test-base",
        data="test-data",
    )
    after = _margin(TorchEncoder(model_dir=tmp_path / "encoder" / "tuned"), pairs)
    assert after > before + 0.02
    recorded = read_tuning(tmp_path)
    assert recorded == artifact
    assert recorded.steps == 8
    assert recorded.pairs == len(pairs)
    assert json.loads((tmp_path / "encoder" / "tuned" / "tuning.json").read_text())["base"] == "test-base"
    assert np.isfinite(artifact.final_loss)


def test_encoder_weights_switch_to_a_tuned_model_only_when_it_was_made_from_the_bundled_one(tmp_path: Path) -> None:
    from credpath.ml.encoder import model_fingerprint
    from credpath.ml.export import encoder_weights

    assert encoder_weights(tmp_path) == (bundled_model_dir(), model_fingerprint())
    folder = tmp_path / "encoder" / "tuned"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    record = {
        "base": "other-weights",
        "recipe": "r",
        "data": "d",
        "identity": "abc",
        "pairs": 1,
        "steps": 1,
        "final_loss": 0.1,
        "seconds": 1.0,
        "trained_at": "now",
    }
    (folder / "tuning.json").write_text(json.dumps(record))
    assert encoder_weights(tmp_path)[0] == bundled_model_dir()
    (folder / "tuning.json").write_text(json.dumps({**record, "base": model_fingerprint()}))
    assert encoder_weights(tmp_path) == (folder, f"{model_fingerprint()}+tuned:abc")
