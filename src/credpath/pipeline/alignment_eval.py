"""How far to trust served alignments: the fit report on the judged halves, and the audit of served pairs.

Two hand-judged sets measure alignments (``data/eval/``):

- ``alignment_judgments.jsonl``: pairs sampled from every *proposal* (by evidence kind and score band),
  which fit the scorer (half A) and calibrate it (half B); see :mod:`credpath.skills.alignment_model`.
- ``alignment_audit.jsonl``: a uniform random sample of the pairs actually *served* by one build, judged
  the same way and never used to fit anything. Its share of *yes* is the precision of what is served.
  Served pairs the audit did not sample are not guessed: the report says how many of the audited pairs
  are still served (a later build may serve other pairs) so a stale audit is visible.
"""

import json
import math
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.pipeline.alignment import alignment_dir
from credpath.storage.repositories import credentials as credential_repo

__all__ = ["AUDIT_FILE", "alignment_quality"]

AUDIT_FILE = Path(__file__).resolve().parents[3] / "data" / "eval" / "alignment_audit.jsonl"


def _wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval for a proportion.

    Example:
        >>> [round(v, 3) for v in _wilson(90, 100)]
        [0.826, 0.945]
    """
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def alignment_quality(engine: Engine, models_dir: Path, audit: Path = AUDIT_FILE) -> dict[str, Any]:
    """The fit report saved by the last build, and the audit's precision on what is served now."""
    saved = alignment_dir(models_dir) / "model.json"
    fit = json.loads(saved.read_text(encoding="utf-8"))["fit"] if saved.is_file() else None
    with Session(engine) as session:
        served = credential_repo.served_alignment_keys(session)
    out: dict[str, Any] = {"fit": fit, "served_pairs": len(served)}
    if not audit.is_file():
        return out
    with audit.open(encoding="utf-8") as handle:
        judged = [json.loads(line) for line in handle if line.strip()]
    still = [j for j in judged if (j["credential_id"], j["skill_id"]) in served]
    yes = sum(j["verdict"] == "yes" for j in still)
    lenient = sum(j["verdict"] != "no" for j in still)
    low, high = _wilson(yes, len(still))
    out["audit"] = {
        "judged": len(judged),
        "still_served": len(still),
        "precision": round(yes / len(still), 4) if still else None,
        "precision_95ci": [round(low, 3), round(high, 3)],
        "precision_lenient": round(lenient / len(still), 4) if still else None,
    }
    return out
