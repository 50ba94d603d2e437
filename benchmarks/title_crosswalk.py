"""Typed titles through the ESCO–O*NET crosswalk: top-1 occupation with and without it, in one process.

Every hand-labelled vacancy title (``data/eval/vacancy_titles*.jsonl``, gold: one or more ESCO occupations) and
every persona's typed target title (``data/eval/personas*.jsonl``, gold: the adviser's occupation) goes through
``POST /v1/occupations/match`` (ESCO, top 10) twice: as served, and with the service's title crosswalk emptied
(``skills.title_crosswalk``). Reports top-1 accuracy and MRR for both, and lists every title whose first
match changed, with whether the change was right.

Writes ``benchmarks/results/title_crosswalk.json``. Run: ``python benchmarks/title_crosswalk.py``.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from litestar.testing import TestClient

from credpath.api import create_app
from credpath.config import Settings
from credpath.skills.title_crosswalk import TitleCrosswalk
from personas import EVAL
from personas import _read as read_jsonl

RESULTS = Path(__file__).resolve().parent / "results" / "title_crosswalk.json"


def _titles() -> list[tuple[str, str, str, set[str]]]:
    """(set, id, title, gold ESCO occupation ids)."""
    out = []
    for name in ("vacancy_titles.jsonl", "vacancy_titles_extra.jsonl"):
        out += [("vacancy", v["id"], v["title"], {o["uri"] for o in v["occupations"]}) for v in read_jsonl(EVAL / name)]
    for name in ("personas.jsonl", "personas_holdout.jsonl"):
        out += [("persona", p["id"], p["target"]["title"], {p["esco_uri"]}) for p in read_jsonl(EVAL / name)]
    return out


def _ranked(client: TestClient, title: str, top_k: int = 10) -> list[dict]:
    response = client.post("/v1/occupations/match", json={"titles": [title], "top_k": top_k, "taxonomy": "esco"})
    response.raise_for_status()
    return response.json()["results"][0]["matches"]


def _timed(client: TestClient, titles: list[str], top_k: int = 5) -> float:
    """Median milliseconds of one title per request, in-process (the same client and service)."""
    took = []
    for title in titles:
        started = time.perf_counter()
        _ranked(client, title, top_k)
        took.append((time.perf_counter() - started) * 1000)
    return round(float(np.median(took)), 2)


def _reciprocal_ranks(rows: list[tuple[set[str], list[dict]]]) -> np.ndarray:
    ranks = [next((i for i, m in enumerate(matches, 1) if m["occupation_id"] in gold), None) for gold, matches in rows]
    return np.array([1 / rank if rank else 0.0 for rank in ranks])


def _scores(reciprocal: np.ndarray) -> dict[str, float | int]:
    top1 = int((reciprocal == 1.0).sum())
    return {
        "n": len(reciprocal),
        "top1": top1,
        "top1_share": round(top1 / len(reciprocal), 4),
        "r_at_5": round(float((reciprocal >= 0.2).mean()), 4),
        "mrr": round(float(reciprocal.mean()), 4),
    }


def _paired_interval(before: np.ndarray, after: np.ndarray, draws: int = 10_000) -> list[float]:
    """95% bootstrap interval of the mean difference (after - before), resampling titles."""
    difference = after - before
    picks = np.random.default_rng(0).integers(0, len(difference), size=(draws, len(difference)))
    means = difference[picks].mean(axis=1)
    return [round(float(q), 4) for q in np.quantile(means, [0.025, 0.975])]


def main() -> None:
    """Match every title with and without the crosswalk and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    titles = _titles()
    # Two passes over every title are more requests than an anonymous client may make in a minute.
    with TestClient(create_app(Settings(rate_limit_per_minute=100_000))) as client:
        service = client.app.state.live.current
        served = {(kind, i): _ranked(client, title) for kind, i, title, _ in titles}
        served_ms = _timed(client, [t[2] for t in titles])
        kept, service.title_crosswalk = service.title_crosswalk, TitleCrosswalk()
        try:
            plain = {(kind, i): _ranked(client, title) for kind, i, title, _ in titles}
            plain_ms = _timed(client, [t[2] for t in titles])
        finally:
            service.title_crosswalk = kept
    report: dict = {
        "titles_via_crosswalk": len(kept),
        "one_title_p50_ms": {"without_crosswalk": plain_ms, "with_crosswalk": served_ms},
        "sets": {},
        "changed": [],
    }
    for kind in ("vacancy", "persona", "all"):
        chosen = [t for t in titles if kind in ("all", t[0])]
        before = _reciprocal_ranks([(t[3], plain[(t[0], t[1])]) for t in chosen])
        after = _reciprocal_ranks([(t[3], served[(t[0], t[1])]) for t in chosen])
        report["sets"][kind] = {
            "without_crosswalk": _scores(before),
            "with_crosswalk": _scores(after),
            "mrr_gain_95": _paired_interval(before, after),
            "top1_gain_95": _paired_interval((before == 1.0).astype(float), (after == 1.0).astype(float)),
        }
    for kind, i, title, gold in titles:
        before, after = plain[(kind, i)][0], served[(kind, i)][0]
        if before["occupation_id"] != after["occupation_id"]:
            right_before, right_after = before["occupation_id"] in gold, after["occupation_id"] in gold
            report["changed"].append(
                {
                    "id": i,
                    "title": title,
                    "before": before["label"],
                    "after": after["label"],
                    "via_onet": after.get("via_onet"),
                    "verdict": "gain" if right_after and not right_before else "loss" if right_before else "neither",
                }
            )
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "changed"}, indent=2))
    for row in report["changed"]:
        print(f"{row['verdict']:8} {row['id']:5} {row['title'][:50]!r}: {row['before']} -> {row['after']}")


if __name__ == "__main__":
    main()
