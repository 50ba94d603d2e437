"""Ranking metrics for linking evaluations: MRR, R-precision@k, recall@k."""

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["RankingMetrics", "ranking_metrics"]


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
