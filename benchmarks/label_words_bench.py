"""The label-words signal (``skills.label_words``): what it costs at start-up and per request, and what it moves.

In one process, on the built indexes that ``make run`` serves:

- start-up: building the word TF-IDF of every skill's labels, as ``SemanticService.load`` does (median of 3);
- ``POST /v1/skills/match`` with one ad sentence per request, every hand-labelled sentence of ``data/eval/``
  in turn, with and without the signal, interleaved sentence by sentence (the same warm service; a first pass
  caches the encodings, so the figures are the linker's work beside the encoder's), median and p90 milliseconds;
  the same for ``POST /v1/skills/extract``;
- how many sentences gain or lose gold skills in their top 5, with the examples.

Writes ``benchmarks/results/label_words.json``. Run: ``python benchmarks/label_words_bench.py``.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from litestar.testing import TestClient
from sqlmodel import Session

from credpath.api import create_app
from credpath.config import Settings
from credpath.indexes import index_dir, label_words
from credpath.storage.db import create_db_engine
from credpath.storage.repositories import index_rows
from personas import EVAL
from personas import _read as read_jsonl

RESULTS = Path(__file__).resolve().parent / "results" / "label_words.json"


def _build_seconds(settings: Settings) -> float:
    engine = create_db_engine(settings.database_url)
    took = []
    for _ in range(3):
        with Session(engine) as session:
            rows = index_rows.skill_text_rows(session)
            with np.load(index_dir(settings.models_dir, "skills") / "meta.npz", allow_pickle=False) as meta:
                started = time.perf_counter()
                label_words(session, meta["hashes"], meta["owners"], rows=rows)
                took.append(time.perf_counter() - started)
    return round(statistics.median(took), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    # 688 requests in a minute or two: above the anonymous per-minute limit, which is not what is measured.
    settings = Settings(rate_limit_per_minute=100_000)
    sentences = [
        row for name in ("job_ad_sentences.jsonl", "job_ad_sentences_extra.jsonl") for row in read_jsonl(EVAL / name)
    ]
    sentences = [row for row in sentences if row["skills"]]
    with TestClient(create_app(settings)) as client:
        linker = client.app.state.live.current._skill_linker
        words = linker.words
        timings: dict[str, list[float]] = {"with": [], "without": []}
        extract_timings: dict[str, list[float]] = {"with": [], "without": []}
        found: dict[str, list[int]] = {"with": [], "without": []}
        changed = []
        # A first pass fills the encoder's cache, so both arms are timed on cached encodings, and the arms
        # alternate which goes first.
        for row in sentences:
            client.post("/v1/skills/match", json={"texts": [row["text"]], "top_k": 5}).raise_for_status()
        for number, row in enumerate(sentences):
            gold = {skill["uri"] for skill in row["skills"]}
            top: dict[str, set[str]] = {}
            arms = (("without", None), ("with", words))
            for arm, signal in arms if number % 2 else arms[::-1]:
                linker.words = signal
                started = time.perf_counter()
                response = client.post("/v1/skills/match", json={"texts": [row["text"]], "top_k": 5})
                timings[arm].append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                top[arm] = {m["skill_id"] for m in response.json()["results"][0]["matches"]}
                found[arm].append(len(gold & top[arm]))
                started = time.perf_counter()
                response = client.post("/v1/skills/extract", json={"text": row["text"]})
                extract_timings[arm].append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            if found["with"][-1] != found["without"][-1]:
                changed.append(
                    {
                        "id": row["id"],
                        "text": row["text"],
                        "gold_in_top5": {"without": found["without"][-1], "with": found["with"][-1]},
                    }
                )
        linker.words = words
    payload = {
        "sentences": len(sentences),
        "label_words_build_s": _build_seconds(settings),
        "match_one_sentence_ms": {
            arm: {
                "p50": round(statistics.median(values), 2),
                "p90": round(float(np.percentile(values, 90)), 2),
            }
            for arm, values in timings.items()
        },
        "extract_one_sentence_ms": {
            arm: {
                "p50": round(statistics.median(values), 2),
                "p90": round(float(np.percentile(values, 90)), 2),
            }
            for arm, values in extract_timings.items()
        },
        "gold_in_top5": {arm: int(sum(values)) for arm, values in found.items()},
        "sentences_better": sum(1 for c in changed if c["gold_in_top5"]["with"] > c["gold_in_top5"]["without"]),
        "sentences_worse": sum(1 for c in changed if c["gold_in_top5"]["with"] < c["gold_in_top5"]["without"]),
        "changed": changed,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in payload.items() if k != "changed"}, indent=2))


if __name__ == "__main__":
    main()
