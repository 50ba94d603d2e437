"""The cross-encoder re-ranker lever (issue 14), measured: quality on the hand-labelled ad sentences and cost.

A cross-encoder reads the query and an item's text together, so it can judge which words of an ad
sentence a skill answers. It is too slow to score every skill, so it re-scores the served linker's
top-N skills and the order becomes ``dense score + w * cross-encoder logit``.

What this script does, on the built database and models (tuned encoder):

1. **Mine** training groups from the taxonomy's own training pairs (``credpath tune``'s pairs whose
   positive is a skill: alternative labels, template and role sentences, sentences naming 2-3 skills of
   one occupation, description leads). Each query is ranked by the served linker (phrases + names,
   exactly as ``POST /v1/skills/match``); its hard negatives are the top-ranked skills that are not gold.
   No hand-labelled sentence is used for training.
2. **Train** each variant listwise (1 positive + 7 negatives, cross-entropy), from MiniLM weights.
3. **Export** to ONNX int8 (per-channel MatMul weights, as the encoder) and score every pair alone, as a
   server would (dynamic int8 scales a batch by its range; alone, a pair's logit never depends on others).
4. **Evaluate** on ``data/eval/job_ad_sentences.jsonl`` (100 sentences) and ``_extra`` (244): N and w are
   chosen on the first set only, then reported on the extra set and on both, with a paired bootstrap 95%
   interval of the gain over the served ranking (RP@5 and MRR over the top 30).
5. **Time** the re-scoring of N pairs for one short text, one thread (the server runs one per worker).

Writes ``benchmarks/results/reranker.json``. About 45 minutes on 2 cores (mining ~5 min, each variant
8-15 min of training). Intermediate files go to ``--work`` (kept between runs: ``--reuse`` skips mining
and the variants already trained).

    .venv/bin/python benchmarks/reranker_bench.py [--steps 700] [--queries 12300] [--reuse]
"""

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session

from credpath.config import Settings
from credpath.indexes import index_dir, name_lexicon
from credpath.ml.encoder import bundled_model_dir
from credpath.ml.index import VectorIndex, subset, text_hashes
from credpath.ml.metrics import bootstrap_interval, paired_difference, per_query_metrics
from credpath.ml.tuning import tuned_model_dir
from credpath.pipeline.build import batch_encoder
from credpath.pipeline.evaluation import EVAL_DIR, SENTENCE_FILES
from credpath.pipeline.tuning import training_data
from credpath.services.resources import open_engine
from credpath.skills.linking import LinkerConfig, TextLinker
from credpath.skills.training import is_held_out
from credpath.storage.repositories import index_rows

RESULTS = Path(__file__).resolve().parent / "results" / "reranker.json"
CANDIDATES = 30
SHORT_LABELS = 400
# Queries mined per source of training pair (the rest of the budget goes to the 2-3-skill sentences).
QUOTA_SHARE = {"alt_label": 0.244, "template": 0.203, "role": 0.203, "description": 0.065, "combination": 0.285}
GROUP = 8  # 1 positive + 7 negatives
GROUPS_PER_STEP = 8
MAX_PAIR_TOKENS = 96
# Variants: name -> (transformer layers kept, item text, initial weights).
VARIANTS = {
    "6 layers, label, bundled MiniLM": (6, "label", "bundled"),
    "6 layers, label, tuned encoder": (6, "label", "tuned"),
    "6 layers, label + description, tuned encoder": (6, "description", "tuned"),
    "3 layers, label + description, tuned encoder": (3, "description", "tuned"),
}
TOP_N = (5, 8, 10)
WEIGHTS = (0.02, 0.03, 0.05, 0.07, 0.1)
LATENCY_QUERIES = ("write SQL queries", "python programming", "manage a team of nurses", "repair car engines")


def _item_text(skill: dict[str, str], documents: str) -> str:
    if documents == "label":
        return skill["label"]
    lead = " ".join(skill["description"].split())[:100]
    return f"{skill['label']}: {lead}" if lead else skill["label"]


def _mine(work: Path, queries: int) -> None:
    """Rank the training queries and the hand-labelled sentences with the served linker; save both."""
    settings = Settings()
    engine = open_engine(settings)
    encoder = batch_encoder(settings.models_dir)
    skills = VectorIndex.load(index_dir(settings.models_dir, "skills"), mmap=False, with_ann=False)
    with Session(engine) as session:
        rows = index_rows.skill_text_rows(session)
        names = name_lexicon(session, "skills", skills.hashes, skills.owners)
    linker = TextLinker(encoder, skills, LinkerConfig(), names)
    by_label: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_label[row["preferred_label"]].add(row["id"])
    texts = {row["id"]: {"label": row["preferred_label"], "description": row["description"] or ""} for row in rows}
    (work / "skills.json").write_text(json.dumps(texts), encoding="utf-8")
    pairs, _ = training_data(engine)
    gold: dict[str, set[str]] = defaultdict(set)
    source: dict[str, str] = {}
    for pair in pairs:
        if pair.positive in by_label:
            gold[pair.query] |= by_label[pair.positive]
            source[pair.query] = pair.source
    rng = random.Random(7)
    ordered = sorted(gold)
    rng.shuffle(ordered)
    quota = {kind: int(share * queries) for kind, share in QUOTA_SHARE.items()}
    taken: Counter[str] = Counter()
    chosen = []
    for query in ordered:
        if taken[source[query]] < quota.get(source[query], 0):
            taken[source[query]] += 1
            chosen.append(query)
    print(f"mining {len(chosen)} training queries: {dict(taken)}", flush=True)

    def dump(name: str, texts: list[str], golds: list[set[str]], extra: list[dict[str, str]]) -> None:
        started = time.perf_counter()
        ranking = linker.rank(texts, CANDIDATES)
        with (work / name).open("w", encoding="utf-8") as handle:
            for text, wanted, more, (items, scores) in zip(texts, golds, extra, ranking, strict=True):
                row = {"query": text, "gold": sorted(wanted), "cands": [skills.item_ids[int(i)] for i in items]}
                row["scores"] = [round(float(s), 5) for s in scores]
                handle.write(json.dumps(row | more) + "\n")
        print(f"ranked {len(texts)} texts for {name} in {time.perf_counter() - started:.0f}s", flush=True)

    dump("train.jsonl", chosen, [gold[q] for q in chosen], [{"source": source[q]} for q in chosen])
    sentences = [
        (row["text"], {s["uri"] for s in row["skills"]}, {"set": name})
        for name in SENTENCE_FILES
        for row in map(json.loads, (EVAL_DIR / name).read_text(encoding="utf-8").splitlines())
        if row["skills"]
    ]
    dump("sentences.jsonl", [s[0] for s in sentences], [s[1] for s in sentences], [s[2] for s in sentences])
    _mine_short_labels(work, rows, skills, encoder)


def _mine_short_labels(work: Path, rows: list[Any], skills: VectorIndex, encoder: Any) -> None:
    """Short texts: one alternative label of 400 skills the tuning never saw, searched without that label."""
    rng = random.Random(3)
    labels = [(row["alt_labels"][0], row["id"]) for row in rows if is_held_out(row["id"]) and row["alt_labels"]]
    rng.shuffle(labels)
    labels = labels[:SHORT_LABELS]
    held = set(text_hashes([label for label, _ in labels]).tolist())
    index = subset(skills, ~np.isin(skills.hashes, list(held)))
    ranking = TextLinker(encoder, index, LinkerConfig()).rank([label for label, _ in labels], CANDIDATES)
    with (work / "short_labels.jsonl").open("w", encoding="utf-8") as handle:
        for (label, gold), (items, scores) in zip(labels, ranking, strict=True):
            row = {"query": label, "gold": [gold], "cands": [index.item_ids[int(i)] for i in items]}
            handle.write(json.dumps(row | {"scores": [round(float(v), 5) for v in scores]}) + "\n")


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _train(work: Path, target: Path, layers: int, documents: str, init: str, steps: int) -> dict[str, float]:
    """Listwise training: each group is a query, one gold skill and 7 of its hardest non-gold candidates."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(13)
    torch.set_num_threads(2)
    rng = random.Random(13)
    skills = json.loads((work / "skills.json").read_text(encoding="utf-8"))
    groups = []
    for row in _read(work / "train.jsonl"):
        wanted = set(row["gold"])
        negatives = [c for c in row["cands"] if c not in wanted]
        if len(negatives) >= GROUP - 1:
            groups.append((row["query"], [c for c in row["cands"] if c in wanted] or row["gold"], negatives))
    rng.shuffle(groups)
    weights = str(bundled_model_dir()) if init == "bundled" else str(tuned_model_dir(Settings().models_dir))
    tokenizer = AutoTokenizer.from_pretrained(weights)
    model = AutoModelForSequenceClassification.from_pretrained(weights, num_labels=1)
    if layers < model.config.num_hidden_layers:
        model.bert.encoder.layer = model.bert.encoder.layer[:layers]
        model.config.num_hidden_layers = layers
    optimiser = torch.optim.AdamW(model.parameters(), lr=4e-5, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (steps - s) / (steps - warmup))
    )
    model.train()
    started, running = time.perf_counter(), 0.0
    for step in range(steps):
        queries, texts = [], []
        for offset in range(GROUPS_PER_STEP):
            query, positives, negatives = groups[(step * GROUPS_PER_STEP + offset) % len(groups)]
            hard, rest = negatives[:12], negatives[12:]
            picked = [rng.choice(positives), *rng.sample(hard, GROUP - 2), *rng.sample(rest or hard, 1)]
            queries += [query] * GROUP
            texts += [_item_text(skills[c], documents) for c in picked]
        batch = tokenizer(
            queries, texts, padding=True, truncation=True, max_length=MAX_PAIR_TOKENS, return_tensors="pt"
        )
        logits = model(**batch).logits.view(GROUPS_PER_STEP, GROUP)
        loss = torch.nn.functional.cross_entropy(logits, torch.zeros(GROUPS_PER_STEP, dtype=torch.long))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        running = loss.item() if step == 0 else 0.98 * running + 0.02 * loss.item()
        if step % 100 == 0 or step == steps - 1:
            print(f"  step {step + 1}/{steps}: loss {running:.3f} ({time.perf_counter() - started:.0f}s)", flush=True)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return {"groups": len(groups), "final_loss": round(running, 4), "train_s": round(time.perf_counter() - started)}


def _export_int8(weights: Path) -> Path:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(str(weights), attn_implementation="eager").eval()
    sample = AutoTokenizer.from_pretrained(str(weights))(["a short text"], ["a longer sample"], return_tensors="pt")
    fp32, int8 = weights / "model.fp32.onnx", weights / "model.int8.onnx"
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    quantize_dynamic(
        str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
    )
    return int8


class _Scorer:
    """The int8 cross-encoder run as a server would: one thread, each pair alone."""

    def __init__(self, model_file: Path, tokenizer_dir: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_PAIR_TOKENS)
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self._inputs = ("input_ids", "attention_mask", "token_type_ids")

    def score(self, query: str, texts: Sequence[str]) -> np.ndarray:
        out = []
        for encoding in self._tokenizer.encode_batch([(query, text) for text in texts]):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            feed["token_type_ids"] = np.asarray([encoding.type_ids], dtype=np.int64)
            out.append(float(self._session.run(None, feed)[0].reshape(-1)[0]))
        return np.asarray(out)

    def score_batched(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """All pairs in one padded run: faster, but int8 logits then depend on the batch (timing only)."""
        encodings = self._tokenizer.encode_batch([(query, text) for text in texts])
        width = max(len(e.ids) for e in encodings)
        feed = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in self._inputs}
        for row, encoding in enumerate(encodings):
            feed["input_ids"][row, : len(encoding.ids)] = encoding.ids
            feed["attention_mask"][row, : len(encoding.ids)] = 1
            feed["token_type_ids"][row, : len(encoding.ids)] = encoding.type_ids
        return np.asarray(self._session.run(None, feed)[0].reshape(-1))


def _per_query(rows: list[dict[str, Any]], top_n: int, weight: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-sentence RP@5 and reciprocal rank after re-ordering the top ``top_n`` (weight 0: as served)."""
    ranked = []
    for row in rows:
        head = np.asarray(row["scores"][:top_n]) + weight * np.asarray(row["ce"][:top_n])
        order = [*np.argsort(-head, kind="stable").tolist(), *range(top_n, len(row["cands"]))]
        ranked.append([row["cands"][i] for i in order])
    metrics = per_query_metrics(ranked, [set(row["gold"]) for row in rows])
    return metrics["rp5"], metrics["rr"]


def _evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Choose N and w on the first set; report the served ranking and the re-ranked one on each set."""
    first = [r for r in rows if r["set"] == SENTENCE_FILES[0]]
    grid = {(n, w): sum(v.mean() for v in _per_query(first, n, w)) for n in TOP_N for w in WEIGHTS}
    top_n, weight = max(grid, key=lambda key: grid[key])
    out: dict[str, Any] = {"chosen_on": SENTENCE_FILES[0], "top_n": top_n, "weight": weight}
    extra = [r for r in rows if r["set"] == SENTENCE_FILES[1]]
    for name, part in (("first", first), ("extra", extra), ("all", rows)):
        before, after = _per_query(part, top_n, 0.0), _per_query(part, top_n, weight)
        out[name] = {
            "sentences": len(part),
            "served": {"rp@5": round(float(before[0].mean()), 4), "mrr": round(float(before[1].mean()), 4)},
            "re-ranked": {"rp@5": round(float(after[0].mean()), 4), "mrr": round(float(after[1].mean()), 4)},
            "gain_rp@5": paired_difference(after[0], before[0]),
            "gain_mrr": paired_difference(after[1], before[1]),
            "re-ranked_rp@5_ci": bootstrap_interval(after[0]),
        }
    # The cross-encoder alone (its order over the top 30), to show what the fusion adds.
    alone = _per_query([r | {"scores": [0.0] * len(r["scores"])} for r in rows], CANDIDATES, 1.0)
    out["cross_encoder_alone_top30"] = {
        "rp@5": round(float(alone[0].mean()), 4),
        "mrr": round(float(alone[1].mean()), 4),
    }
    return out


def _short_labels(
    work: Path, scorer: "_Scorer", skills: dict[str, dict[str, str]], documents: str, chosen: dict[str, Any]
) -> dict[str, Any]:
    """With the N and w chosen on sentences: does re-ranking help or hurt short texts (labels)?"""
    top_n, weight = chosen["top_n"], chosen["weight"]
    rows = [
        row | {"ce": [*scorer.score(row["query"], [_item_text(skills[c], documents) for c in row["cands"][:top_n]])]}
        for row in _read(work / "short_labels.jsonl")
    ]
    rows = [row | {"ce": row["ce"] + [0.0] * (len(row["cands"]) - top_n)} for row in rows]
    before, after = _per_query(rows, top_n, 0.0), _per_query(rows, top_n, weight)
    return {
        "labels": len(rows),
        "served": {"recall@5": round(float(before[0].mean()), 4), "mrr": round(float(before[1].mean()), 4)},
        "re-ranked": {"recall@5": round(float(after[0].mean()), 4), "mrr": round(float(after[1].mean()), 4)},
        "gain_mrr": paired_difference(after[1], before[1]),
    }


def _latency(scorer: _Scorer, skills: dict[str, dict[str, str]], rows: list[dict[str, Any]], documents: str) -> dict:
    """p50 of re-scoring N candidates for one short text: each pair alone (as scored here) and in one batch."""
    out = {}
    for mode, score in (("alone", scorer.score), ("batched", scorer.score_batched)):
        for top_n in TOP_N:
            times = []
            for k in range(120):
                texts = [_item_text(skills[c], documents) for c in rows[k % len(rows)]["cands"][:top_n]]
                started = time.perf_counter()
                score(LATENCY_QUERIES[k % len(LATENCY_QUERIES)], texts)
                times.append((time.perf_counter() - started) * 1000)
            out[f"top{top_n}_{mode}_p50_ms"] = round(float(np.median(times[20:])), 2)
    return out


def main() -> None:
    """Mine, train, export, evaluate and time every variant; write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "credpath-reranker")
    parser.add_argument("--steps", type=int, default=700)
    parser.add_argument("--queries", type=int, default=12300)
    parser.add_argument("--reuse", action="store_true", help="Reuse mined data and trained variants in --work.")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not (args.reuse and (args.work / "sentences.jsonl").is_file()):
        _mine(args.work, args.queries)
    skills = json.loads((args.work / "skills.json").read_text(encoding="utf-8"))
    sentences = _read(args.work / "sentences.jsonl")
    results: dict[str, Any] = {}
    for name, (layers, documents, init) in VARIANTS.items():
        target = args.work / name.replace(" ", "_").replace(",", "").replace("+", "and")
        print(f"variant: {name}", flush=True)
        facts: dict[str, Any] = {"layers": layers, "documents": documents, "initial_weights": init}
        if not (args.reuse and (target / "facts.json").is_file()):
            facts |= _train(args.work, target, layers, documents, init, args.steps)
            (target / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
        facts = json.loads((target / "facts.json").read_text(encoding="utf-8"))
        scorer = _Scorer(_export_int8(target), target)
        scored = [
            row | {"ce": scorer.score(row["query"], [_item_text(skills[c], documents) for c in row["cands"]]).tolist()}
            for row in sentences
        ]
        if not (args.work / "short_labels.jsonl").is_file():
            settings = Settings()
            engine = open_engine(settings)
            skills_index = VectorIndex.load(index_dir(settings.models_dir, "skills"), mmap=False, with_ann=False)
            with Session(engine) as session:
                skill_rows = index_rows.skill_text_rows(session)
            _mine_short_labels(args.work, skill_rows, skills_index, batch_encoder(settings.models_dir))
        quality = _evaluate(scored)
        quality["short_held_out_labels"] = _short_labels(args.work, scorer, skills, documents, quality)
        results[name] = facts | {
            "quality": quality,
            "latency_1_thread": _latency(scorer, skills, scored, documents),
        }
        print(
            json.dumps(results[name]["quality"]["all"]) + " " + json.dumps(results[name]["latency_1_thread"]),
            flush=True,
        )
    payload = {
        "machine": "2 cores (shared), onnxruntime int8, one thread, each pair alone",
        "steps": args.steps,
        "groups_per_step": GROUPS_PER_STEP,
        "queries_mined": args.queries,
        "reused_mining_and_training": args.reuse,
        "candidates": CANDIDATES,
        "variants": results,
        "seconds": round(time.perf_counter() - started),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
