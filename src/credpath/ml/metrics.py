"""Ranking metrics for linking evaluations: MRR, R-precision@k, recall@k, and bootstrap intervals."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "RankingMetrics",
    "bootstrap_interval",
    "paired_difference",
    "per_query_metrics",
    "ranking_metrics",
]

# Resamples for bootstrap intervals: enough for two stable decimals of a 95% interval.
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True, slots=True)
class RankingMetrics:
    """Means over queries."""

    n: int
    mrr: float
    rp5: float
    rp10: float
    recall5: float
    recall10: float
    recall50: float

    def as_dict(self) -> dict[str, float]:
        """Rounded figures for reports."""
        return {
            "n": self.n,
            "mrr": round(self.mrr, 4),
            "rp@5": round(self.rp5, 4),
            "rp@10": round(self.rp10, 4),
            "recall@5": round(self.recall5, 4),
            "recall@10": round(self.recall10, 4),
            "recall@50": round(self.recall50, 4),
        }


def ranking_metrics(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]]) -> RankingMetrics:
    """Score ranked id lists against gold sets.

    MRR uses the first gold hit (0 when none is ranked). R-precision@k is hits in the top k divided by
    ``min(k, |gold|)``; recall@k divides by ``|gold|``.

    Example:
        >>> m = ranking_metrics([["a", "b", "c"]], [{"b", "z"}])
        >>> (m.mrr, m.rp5, m.recall5)
        (0.5, 0.5, 0.5)
    """
    if len(ranked) != len(gold):
        raise ValueError("one ranking per gold set")
    totals = dict.fromkeys(("mrr", "rp5", "rp10", "r5", "r10", "r50"), 0.0)
    for ranking, answers in zip(ranked, gold, strict=True):
        if not answers:
            raise ValueError("every query needs at least one gold id")
        first = next((rank for rank, item in enumerate(ranking, start=1) if item in answers), None)
        totals["mrr"] += 1.0 / first if first else 0.0
        for k, rp_key, r_key in ((5, "rp5", "r5"), (10, "rp10", "r10"), (50, None, "r50")):
            hits = len(set(ranking[:k]) & answers)
            if rp_key:
                totals[rp_key] += hits / min(k, len(answers))
            totals[r_key] += hits / len(answers)
    n = len(ranked)
    return RankingMetrics(
        n=n,
        mrr=totals["mrr"] / n,
        rp5=totals["rp5"] / n,
        rp10=totals["rp10"] / n,
        recall5=totals["r5"] / n,
        recall10=totals["r10"] / n,
        recall50=totals["r50"] / n,
    )


def per_query_metrics(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]]) -> dict[str, npt.NDArray[np.float64]]:
    """Reciprocal rank, R-precision@5 and recall@5 of each query (what :func:`ranking_metrics` averages).

    Example:
        >>> m = per_query_metrics([["a", "b"], ["c"]], [{"b"}, {"z"}])
        >>> m["rr"].tolist(), m["rp5"].tolist()
        ([0.5, 0.0], [1.0, 0.0])
    """
    if len(ranked) != len(gold):
        raise ValueError("one ranking per gold set")
    rr, rp5, r5 = [], [], []
    for ranking, answers in zip(ranked, gold, strict=True):
        if not answers:
            raise ValueError("every query needs at least one gold id")
        first = next((rank for rank, item in enumerate(ranking, start=1) if item in answers), None)
        rr.append(1.0 / first if first else 0.0)
        hits = len(set(ranking[:5]) & answers)
        rp5.append(hits / min(5, len(answers)))
        r5.append(hits / len(answers))
    return {"rr": np.array(rr), "rp5": np.array(rp5), "r5": np.array(r5)}


def bootstrap_interval(
    values: npt.NDArray[np.float64], *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the mean of per-query ``values``.

    Example:
        >>> low, high = bootstrap_interval(np.array([0.0, 1.0] * 50))
        >>> 0.39 < low < 0.5 < high < 0.61
        True
    """
    if len(values) == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return (round(float(low), 4), round(float(high), 4))


def paired_difference(
    after: npt.NDArray[np.float64],
    before: npt.NDArray[np.float64],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> dict[str, float]:
    """Mean of ``after - before`` over the same queries, with its paired bootstrap 95% interval.

    A difference whose interval holds 0 is noise at this number of queries.

    Example:
        >>> d = paired_difference(np.array([1.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 0.0, 1.0]))
        >>> d["mean"], d["low"] >= 0.0
        (0.25, True)
    """
    if len(after) != len(before):
        raise ValueError("a paired difference needs the same queries on both sides")
    low, high = bootstrap_interval(after - before, resamples=resamples, seed=seed)
    return {"mean": round(float((after - before).mean()), 4) if len(after) else 0.0, "low": low, "high": high}
