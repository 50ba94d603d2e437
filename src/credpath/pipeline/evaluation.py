"""Dev-set evaluation of linking quality (``credpath eval``): MRR, R-precision@5/10, recall@k.

Dev sets are built from the data itself, with the queried labels held out of the index they are
searched in (otherwise a label would trivially find itself):

- ``skills_alt_label``: an ESCO alternative label → its skill;
- ``occupations_alt_label``: an ESCO occupation alternative label → its occupation;
- ``onet_title_to_esco``: an O*NET alternate title → the ESCO occupations the crosswalk maps to it
  (these three draw only from the items kept out of the encoder's fine-tuning, ``skills.training``);
- ``job_ad_sentences`` / ``vacancy_titles``: hand-written ad sentences and vacancy titles with gold
  ESCO skills/occupations (``data/eval/``), plus boilerplate sentences for extraction abstention.

Each set is scored for the plain baseline (MiniLM over preferred labels, whole text) and for
credpath's method, so the README can show both from one run.
"""

import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.ml.encoder import Encoder
from credpath.ml.index import VectorIndex, subset, text_hashes
from credpath.ml.metrics import ranking_metrics
from credpath.pipeline.indexing import index_texts
from credpath.skills.linking import LinkerConfig, TextLinker
from credpath.skills.representations import ItemText
from credpath.skills.training import is_held_out
from credpath.storage.repositories import index_rows
from credpath.storage.repositories import occupations as occupation_repo
from credpath.vocabulary import is_esco_id

__all__ = ["EVAL_DIR", "EvalReport", "run_evaluation"]

log = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parents[3] / "data" / "eval"


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Metrics per dev set and method, plus extraction precision/recall per threshold."""

    results: dict[str, dict[str, dict[str, float]]]
    extraction: dict[str, Any]
    seconds: float
    # Top-1 precision of held-out skill labels at or above each score: what alignment confidences use.
    calibration: list[dict[str, float]] = field(default_factory=list)

    def table(self) -> str:
        """A plain-text table for the terminal."""
        lines = [f"{'dev set':24} {'method':28} {'n':>5} {'MRR':>6} {'RP@5':>6} {'RP@10':>6} {'R@10':>6} {'R@50':>6}"]
        for dataset, methods in self.results.items():
            for method, m in methods.items():
                lines.append(
                    f"{dataset:24} {method:28} {m['n']:>5} {m['mrr']:>6.3f} {m['rp@5']:>6.3f} {m['rp@10']:>6.3f}"
                    f" {m['recall@10']:>6.3f} {m['recall@50']:>6.3f}"
                )
        if self.extraction:
            best = self.extraction["best"]
            lines.append(
                f"extraction (job-ad sentences + boilerplate): threshold {best['threshold']:.2f} → precision "
                f"{best['precision']:.3f}, recall {best['recall']:.3f}, F1 {best['f1']:.3f}, boilerplate sentences "
                f"with any output {best['boilerplate_with_output']}/{self.extraction['boilerplate_sentences']}"
            )
        for row in self.calibration:
            lines.append(
                f"short-text calibration: score >= {row['score']:.2f} → top-1 precision {row['precision']:.3f}"
                f" over {int(row['n'])} held-out labels"
            )
        return "\n".join(lines)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ranked_ids(index: VectorIndex, ranking: list[tuple[np.ndarray, np.ndarray]]) -> list[list[str]]:
    return [[index.item_ids[int(p)] for p in positions] for positions, _ in ranking]


def _kind_mask(index: VectorIndex, kinds: list[str], wanted: set[str]) -> np.ndarray:
    if len(kinds) != len(index.owners):
        raise ValueError("index and representation disagree; rebuild the index (credpath build-index --force)")
    return np.array([kind in wanted for kind in kinds])


def _plain_index(index: VectorIndex, keep: np.ndarray, texts: list[ItemText], encoder: Encoder) -> VectorIndex:
    """The rows of ``index`` where ``keep`` holds, re-embedded by ``encoder`` (the baseline's own vectors)."""
    rows = np.flatnonzero(keep)
    kept = subset(index, keep)
    kept.vectors = encoder.encode([texts[row].text for row in rows])
    return kept


def _holdout(
    index: VectorIndex, texts: list[Any], n: int, seed: int, per_item: int = 2
) -> tuple[list[str], list[set[str]], np.ndarray]:
    """Pick up to ``n`` alternative labels (``per_item`` per item) and a mask removing exactly those vectors.

    Only items the encoder's fine-tuning never saw are drawn (``is_held_out``), so the tuned and the
    plain model are measured on the same, unseen queries.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    by_item: dict[str, list[int]] = defaultdict(list)
    for row, text in enumerate(texts):
        if text.kind in {"alternative", "alternate_title"} and is_held_out(text.item_id):
            by_item[text.item_id].append(row)
    items = sorted(by_item)
    rng.shuffle(items)
    rows = [row for item in items for row in rng.sample(by_item[item], min(per_item, len(by_item[item])))][:n]
    keep = np.ones(len(texts), dtype=bool)
    keep[rows] = False
    # The same text may also sit on the item under another kind (e.g. a case variant): drop by hash too.
    held = set(text_hashes([texts[row].text for row in rows]).tolist())
    keep &= ~np.isin(index.hashes, list(held))
    return [texts[row].text for row in rows], [{texts[row].item_id} for row in rows], keep


def _evaluate(
    name: str,
    queries: list[str],
    gold: list[set[str]],
    variants: dict[str, tuple[VectorIndex, bool, np.ndarray | None]],
    encoder: Encoder,
    config: LinkerConfig,
    results: dict[str, dict[str, dict[str, float]]],
    baseline_encoder: Encoder | None = None,
) -> None:
    if not queries:
        return
    for method, (index, use_phrases, allowed) in variants.items():
        # The baseline is plain MiniLM: with a fine-tuned encoder it is scored by the bundled one.
        plain = baseline_encoder if baseline_encoder is not None and method.startswith("baseline") else encoder
        linker = TextLinker(plain, index, config)
        ranking = linker.rank(queries, 50, allowed=allowed, use_phrases=use_phrases)
        results.setdefault(name, {})[method] = ranking_metrics(_ranked_ids(index, ranking), gold).as_dict()
        log.info("eval %s / %s: %s", name, method, results[name][method])


def _calibration(linker: TextLinker, queries: list[str], gold: list[set[str]]) -> list[dict[str, float]]:
    """Top-1 precision of short texts whose best score reaches each threshold."""
    ranking = linker.rank(queries, 1, use_phrases=False)
    top = [
        (float(scores[0]), linker.index.item_ids[int(items[0])] in g)
        for (items, scores), g in zip(ranking, gold, strict=True)
    ]
    out = []
    for threshold in (0.70, 0.75, 0.80, 0.85, 0.90, 0.95):
        kept = [hit for score, hit in top if score >= threshold]
        if kept:
            out.append({"score": threshold, "precision": round(sum(kept) / len(kept), 4), "n": float(len(kept))})
    return out


def _extraction_sweep(linker: TextLinker, sentences: list[dict[str, Any]], thresholds: list[float]) -> dict[str, Any]:
    rows = []
    for threshold in thresholds:
        tp = fp = fn = noisy = 0
        for sentence in sentences:
            found = {linker.index.item_ids[m.item] for m in linker.extract(sentence["text"], threshold)}
            gold = {s["uri"] for s in sentence["skills"]}
            tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
            noisy += int(not gold and bool(found))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "threshold": threshold,
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "boilerplate_with_output": noisy,
            }
        )
    best = max(rows, key=lambda r: (r["f1"], r["threshold"]))
    return {"sweep": rows, "best": best, "boilerplate_sentences": sum(1 for s in sentences if not s["skills"])}


def run_evaluation(
    engine: Engine,
    skills: VectorIndex,
    occupations: VectorIndex,
    encoder: Encoder,
    *,
    sample: int = 2000,
    seed: int = 13,
    config: LinkerConfig | None = None,
    eval_dir: Path = EVAL_DIR,
    progress: Callable[[str], None] | None = None,
    baseline_encoder: Encoder | None = None,
) -> EvalReport:
    """Evaluate baseline and credpath methods on every dev set.

    Args:
        engine: database with the loaded bundle (for texts and the crosswalk).
        skills: the built skills index (exact search is used on held-out copies).
        occupations: the built occupations index.
        encoder: the encoder the indexes were built with.
        sample: queries per generated dev set.
        seed: sampling seed (fixed, so runs compare).
        config: linker tuning (default: the shipped one).
        eval_dir: folder of the hand-labelled sets.
        progress: optional callback told each stage's name.
        baseline_encoder: the plain bundled model, when ``encoder`` is a fine-tuned one.
    """
    started = time.perf_counter()
    config = config or LinkerConfig()
    note = progress or (lambda _stage: None)
    with Session(engine) as session:
        occupation_rows = index_rows.occupation_text_rows(session)
        pairs = occupation_repo.crosswalk_pairs(session)
    with Session(engine) as session:
        # The very texts the indexes were built from (the kinds must line up with the vectors).
        skill_reprs = index_texts(session, "skills", encoder)
        occ_reprs = index_texts(session, "occupations", encoder)
    skill_kinds = [t.kind for t in skill_reprs]
    skills_exact = subset(skills, np.ones(len(skills.owners), dtype=bool))
    preferred = _kind_mask(skills, skill_kinds, {"preferred"})
    skills_baseline = subset(skills, preferred)
    if baseline_encoder is not None:
        skills_baseline = _plain_index(skills, preferred, skill_reprs, baseline_encoder)
    skills_labels = subset(skills, _kind_mask(skills, skill_kinds, {"preferred", "alternative"}))
    occ_kinds = [t.kind for t in occ_reprs]
    occ_exact = subset(occupations, np.ones(len(occupations.owners), dtype=bool))
    titled = _kind_mask(occupations, occ_kinds, {"title"})
    occ_baseline = subset(occupations, titled)
    if baseline_encoder is not None:
        occ_baseline = _plain_index(occupations, titled, occ_reprs, baseline_encoder)

    def esco_only(index: VectorIndex) -> np.ndarray:
        return np.array([is_esco_id(item) for item in index.item_ids])

    results: dict[str, dict[str, dict[str, float]]] = {}

    note("skills_alt_label")
    queries, gold, keep = _holdout(skills, skill_reprs, sample, seed)
    held_full = subset(skills, keep)
    held_labels = subset(skills, keep & _kind_mask(skills, skill_kinds, {"preferred", "alternative"}))
    _evaluate(
        "skills_alt_label",
        queries,
        gold,
        {
            "baseline: preferred labels": (skills_baseline, False, None),
            "all labels": (held_labels, False, None),
            "credpath: labels + descriptions": (held_full, False, None),
        },
        encoder,
        config,
        results,
        baseline_encoder,
    )
    calibration = _calibration(TextLinker(encoder, held_full, config), queries, gold)

    note("occupations_alt_label")
    queries, gold, keep = _holdout(occupations, occ_reprs, sample, seed)
    esco_queries = [(q, g) for q, g in zip(queries, gold, strict=True) if is_esco_id(next(iter(g)))]
    held = subset(occupations, keep)
    _evaluate(
        "occupations_alt_label",
        [q for q, _ in esco_queries],
        [g for _, g in esco_queries],
        {
            "baseline: preferred labels": (occ_baseline, False, esco_only(occ_baseline)),
            "credpath: all labels": (held, False, esco_only(held)),
        },
        encoder,
        config,
        results,
        baseline_encoder,
    )

    note("onet_title_to_esco")
    esco_for_onet: dict[str, set[str]] = defaultdict(set)
    for esco, onet in pairs:
        esco_for_onet[onet].add(esco)
    titles = [
        (row["alt_labels"], esco_for_onet[row["id"]])
        for row in occupation_rows
        if row["id"] in esco_for_onet and is_held_out(row["id"])
    ]
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    flat = [(title, gold_set) for labels, gold_set in titles for title in labels]
    rng.shuffle(flat)
    flat = flat[:sample]
    _evaluate(
        "onet_title_to_esco",
        [t for t, _ in flat],
        [g for _, g in flat],
        {
            "baseline: preferred labels": (occ_baseline, False, esco_only(occ_baseline)),
            "credpath: all ESCO labels": (occ_exact, False, esco_only(occ_exact)),
        },
        encoder,
        config,
        results,
        baseline_encoder,
    )

    note("hand-labelled sets")
    sentences = _read_jsonl(eval_dir / "job_ad_sentences.jsonl")
    labelled = [s for s in sentences if s["skills"]]
    no_products = subset(skills, ~_kind_mask(skills, skill_kinds, {"product"}))
    _evaluate(
        "job_ad_sentences",
        [s["text"] for s in labelled],
        [{x["uri"] for x in s["skills"]} for s in labelled],
        {
            "baseline: preferred labels": (skills_baseline, False, None),
            "all labels, whole sentence": (skills_labels, False, None),
            "labels + descriptions": (no_products, False, None),
            "labels + descriptions + phrases": (no_products, True, None),
            "credpath: + phrases": (skills_exact, True, None),
        },
        encoder,
        config,
        results,
        baseline_encoder,
    )
    vacancies = _read_jsonl(eval_dir / "vacancy_titles.jsonl")
    _evaluate(
        "vacancy_titles",
        [v["title"] for v in vacancies],
        [{x["uri"] for x in v["occupations"]} for v in vacancies],
        {
            "baseline: preferred labels": (occ_baseline, False, esco_only(occ_baseline)),
            "all ESCO labels": (occ_exact, False, esco_only(occ_exact)),
            "credpath: + phrases": (occ_exact, True, esco_only(occ_exact)),
        },
        encoder,
        config,
        results,
        baseline_encoder,
    )
    extraction: dict[str, Any] = {}
    if sentences:
        thresholds = [round(0.40 + 0.025 * i, 3) for i in range(17)]
        extraction = _extraction_sweep(TextLinker(encoder, skills_exact, config), sentences, thresholds)
    return EvalReport(results, extraction, time.perf_counter() - started, calibration)
