"""The alignment scorer: threshold from half A, calibration on half B, figures that describe the pool."""

import json
from dataclasses import replace

import numpy as np
import pytest

from credpath.skills.alignment import title_phrases, title_word_share
from credpath.skills.alignment_model import (
    SERVE_PRECISION,
    AlignmentModel,
    JudgedPair,
    _threshold,
    fit_alignment_model,
    precision_recall,
)


def _pairs(seed: int = 7, n: int = 400) -> list[JudgedPair]:
    """Judged pairs whose first feature separates yes from no with noise; half A, half B by group."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        yes = bool(rng.random() < 0.4)
        signal = rng.normal(1.5 if yes else -0.5, 1.0)
        noise = rng.normal(0.0, 1.0)
        out.append(
            JudgedPair(
                credential_id=f"c{i}",
                skill_id=f"s{i}",
                verdict="yes" if yes else ("partial" if rng.random() < 0.5 else "no"),
                split="A" if i % 2 == 0 else "B",
                weight=1.0 + (i % 3),
                stratum=f"band{i % 4}",
                group=f"g{i}",
                features=np.array([signal, noise]),
            )
        )
    return out


def test_the_threshold_reaches_the_target_on_a_and_holds_on_b() -> None:
    model, report = fit_alignment_model(_pairs(), ("signal", "noise"))
    # The threshold is where a pair is SERVE_PRECISION likely on its own; what lies above is more precise.
    assert report.precision_a_cv >= SERVE_PRECISION
    # Measured on the half that chose nothing: close to the target, and far above the 40% base rate.
    assert report.precision_b >= 0.8
    assert 0.0 < report.recall_b < 1.0
    assert report.pairs_a == report.pairs_b == 200
    # The model learned the signal, not the noise.
    assert abs(model.coef[0]) > 3 * abs(model.coef[1])


def test_confidence_is_monotone_in_the_score_and_round_trips_as_json() -> None:
    model, _ = fit_alignment_model(_pairs(), ("signal", "noise"))
    grid = np.column_stack([np.linspace(-3, 3, 50), np.zeros(50)])
    confidence = model.confidence(grid)
    assert np.all(np.diff(confidence) > 0)
    assert np.all((confidence > 0) & (confidence < 1))
    again = AlignmentModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again == model
    assert again.fingerprint == model.fingerprint


def _plateau_pairs(seed: int) -> list[JudgedPair]:
    """Pairs whose precision sits near 0.9 over a wide band of scores, as the real judged set's does."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(1000):
        score = rng.uniform(-2.0, 2.0)
        yes = bool(rng.random() < (0.9 if score > -1.0 else 0.2))
        out.append(
            JudgedPair(
                credential_id=f"c{i}",
                skill_id=f"s{i}",
                verdict="yes" if yes else "no",
                split="A" if i % 2 == 0 else "B",
                weight=1.0,
                stratum="band",
                group=f"g{i}",
                features=np.array([score, rng.normal(0.0, 1.0)]),
            )
        )
    return out


def test_a_few_judged_pairs_more_or_less_move_what_is_served_little() -> None:
    # The rule until session 37 (the lowest score at which A's cumulative precision reaches 0.90) served
    # 33 to 64 of these B pairs as 3% of A was dropped at random; a fit over all of A serves 174 to 180.
    pairs = _plateau_pairs(4)
    rng = np.random.default_rng(11)
    served = []
    for _ in range(6):
        kept = [p for p in pairs if p.split == "B" or rng.random() > 0.03]
        served.append(fit_alignment_model(kept, ("score", "noise"))[1].served_b)
    assert max(served) - min(served) <= 0.25 * float(np.median(served)), served


def test_verdicts_that_fall_with_the_score_serve_nothing() -> None:
    scores = np.linspace(-2.0, 2.0, 40)
    with pytest.raises(ValueError, match="do not rise"):
        _threshold(scores, scores < 0.5)


def test_only_eligible_pairs_are_served() -> None:
    pairs = [replace(p, eligible=False) if p.features[0] > 2.5 else p for p in _pairs()]
    _, restricted = fit_alignment_model(pairs, ("signal", "noise"))
    _, everything = fit_alignment_model(_pairs(), ("signal", "noise"))
    assert restricted.served_b < everything.served_b


def test_a_half_with_one_verdict_only_is_refused() -> None:
    pairs = [p for p in _pairs() if p.split == "A" or p.verdict == "yes"]
    with pytest.raises(ValueError, match="half B"):
        fit_alignment_model(pairs, ("signal", "noise"))


def test_weighted_precision_and_recall() -> None:
    served = np.array([True, True, False, False])
    yes = np.array([True, False, True, False])
    assert precision_recall(served, yes, np.array([3.0, 1.0, 1.0, 5.0])) == (0.75, 0.75)


def test_title_phrases_and_word_overlap() -> None:
    assert title_phrases("SQL for Data Science") == ["SQL", "Data Science"]
    assert title_phrases("Robotics") == []
    assert title_word_share("The Payroll Cycle", "manage payroll") == 1.0
    assert title_word_share("Forex - Trading Around the World", "content marketing") == 0.0
