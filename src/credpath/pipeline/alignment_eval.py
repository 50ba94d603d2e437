"""How far to trust served alignments, measured on the hand-judged pairs against what is served now.

``data/eval/alignment_judgments.jsonl`` holds credential → skill pairs judged yes / partial / no. Half A
fitted the scorer and chose its threshold; half B calibrated it and is where precision is measured
(:mod:`credpath.skills.alignment_model`). This module reads which of B's pairs the current build
*serves*: precision is the share judged *yes* (with a 95% Wilson interval), lenient precision the share
not judged *no*, recall the share of B's *yes* pairs that are served. The ``eligible`` stratum is a
uniform sample of servable proposals (every one of 240 random credentials), so its figures describe
what a user meets; the other strata oversample rare evidence kinds and score bands.
"""

import json
import math
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.pipeline.alignment import JUDGMENTS_FILE, alignment_dir
from credpath.storage.repositories import credentials as credential_repo

__all__ = ["alignment_quality"]


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


def _shares(pairs: list[dict[str, Any]], served: set[tuple[str, str]]) -> dict[str, Any]:
    shown = [j for j in pairs if (j["credential_id"], j["skill_id"]) in served]
    yes = sum(j["verdict"] == "yes" for j in shown)
    relevant = sum(j["verdict"] == "yes" for j in pairs)
    low, high = _wilson(yes, len(shown))
    return {
        "judged": len(pairs),
        "served": len(shown),
        "precision": round(yes / len(shown), 4) if shown else None,
        "precision_95ci": [round(low, 3), round(high, 3)],
        "precision_lenient": round(sum(j["verdict"] != "no" for j in shown) / len(shown), 4) if shown else None,
        "recall": round(yes / relevant, 4) if relevant else None,
    }


def alignment_quality(engine: Engine, models_dir: Path, judgments: Path = JUDGMENTS_FILE) -> dict[str, Any]:
    """The fit report saved by the last build, and precision/recall of what is served now on judged half B."""
    saved = alignment_dir(models_dir) / "model.json"
    fit = json.loads(saved.read_text(encoding="utf-8"))["fit"] if saved.is_file() else None
    with Session(engine) as session:
        served = credential_repo.served_alignment_keys(session)
    out: dict[str, Any] = {"fit": fit, "served_pairs": len(served)}
    if not judgments.is_file():
        return out
    with judgments.open(encoding="utf-8") as handle:
        half_b = [j for j in (json.loads(line) for line in handle if line.strip()) if j["split"] == "B"]
    out["served_b"] = _shares(half_b, served)
    out["served_b_uniform"] = _shares([j for j in half_b if j["stratum"] == "eligible"], served)
    kinds: dict[str, list[dict[str, Any]]] = {}
    for j in half_b:
        kinds.setdefault(j["stratum"], []).append(j)
    out["served_b_by_stratum"] = {k: _shares(v, served) for k, v in sorted(kinds.items())}
    return out
