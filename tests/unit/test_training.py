"""Training pairs from the taxonomy, and the fine-tuning loop on a few real steps."""

import json
from pathlib import Path

import numpy as np
import pytest

from credpath.ml.encoder import TorchEncoder, bundled_model_dir
from credpath.ml.tuning import Pair, TuningRecipe, _batches, fine_tune, read_tuning
from credpath.skills.training import HOLDOUT_PERCENT, combination_pairs, is_held_out, occupation_pairs, skill_pairs

SKILLS = [
    {
        "id": f"skill-{i}",
        "preferred_label": f"operate machine {i}",
        "alt_labels": [f"run machine {i}", f"use machine {i}", f"operate machine {i}".upper()],
        "description": f"Operate machine number {i} safely.",
        "skill_type": "knowledge" if i % 2 else "skill/competence",
    }
    for i in range(200)
]


def test_held_out_share_is_stable_and_close_to_the_percentage() -> None:
    ids = [f"http://data.europa.eu/esco/skill/{i}" for i in range(5000)]
    share = sum(map(is_held_out, ids)) / len(ids)
    assert abs(share - HOLDOUT_PERCENT / 100) < 0.02
    assert [is_held_out(i) for i in ids[:50]] == [is_held_out(i) for i in ids[:50]]


def test_skill_pairs_skip_held_out_skills_and_never_pair_a_label_with_itself() -> None:
    pairs = skill_pairs(SKILLS, {"skill-3": ["baker"]})
    positives = {p.positive for p in pairs}
    held = {s["preferred_label"] for s in SKILLS if is_held_out(s["id"])}
    assert held
    assert not positives & held
    assert all(p.query.casefold() != p.positive.casefold() for p in pairs)
    kinds = {p.source for p in pairs}
    assert {"alt_label", "description", "template"} <= kinds
    # Templates put the label inside ad wording rather than returning it bare.
    template = next(p for p in pairs if p.source == "template")
    assert template.query != template.positive
    assert len(template.query.split()) > 3
    if not is_held_out("skill-3"):
        assert any(p.source == "role" and "baker" in p.query for p in pairs)


def test_combination_sentences_are_paired_with_every_skill_they_name() -> None:
    profiles = {f"occ-{i}": [f"skill-{j}" for j in range(i, i + 12)] for i in range(0, 150, 10)}
    pairs = combination_pairs(SKILLS, profiles)
    assert pairs
    by_sentence: dict[str, set[str]] = {}
    for pair in pairs:
        by_sentence.setdefault(pair.query, set()).add(pair.positive)
    labels = {s["preferred_label"]: s for s in SKILLS}
    for sentence, positives in by_sentence.items():
        assert len(positives) >= 2
        for positive in positives:
            row = labels[positive]
            # The sentence names the skill by one of its labels.
            names = [label.split(" (")[0].casefold() for label in [positive, *row["alt_labels"]]]
            assert any(name in sentence.casefold() for name in names)
            assert not is_held_out(row["id"])


def test_occupation_pairs_include_decorated_titles() -> None:
    rows = [
        {"id": f"occ-{i}", "preferred_label": f"welder {i}", "alt_labels": [f"welding hand {i}"]} for i in range(50)
    ]
    pairs = occupation_pairs(rows)
    assert any(p.source == "decorated_title" for p in pairs)
    assert all(not is_held_out(f"occ-{p.positive.split()[-1]}") for p in pairs)


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
