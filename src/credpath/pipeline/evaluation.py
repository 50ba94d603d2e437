"""Dev-set evaluation of linking quality (``credpath eval``): MRR, R-precision@5/10, recall@k.

Dev sets are built from the data itself, with the queried labels held out of the index they are
searched in (otherwise a label would trivially find itself):

- ``skills_alt_label``: an ESCO alternative label → its skill;
- ``occupations_alt_label``: an ESCO occupation alternative label → its occupation;
- ``onet_title_to_esco``: an O*NET alternate title → the ESCO occupations the crosswalk maps to it
  (these three draw only from the items kept out of the encoder's fine-tuning, ``skills.training``);
- ``job_ad_sentences`` / ``vacancy_titles``: hand-written ad sentences and vacancy titles with gold
  ESCO skills/occupations (``data/eval/``: the first sets and their ``_extra`` companions, read together),
  plus boilerplate sentences for extraction abstention.

Each set is scored for the plain baseline (MiniLM over preferred labels, whole text), for each lever of
credpath's method in turn (the ablation) and for credpath's method as served, so the README can show
them all from one run. Every figure carries a bootstrap 95% interval, and each lever's gain over the
method without it a paired bootstrap interval (``differences``): a gain whose interval holds 0 is noise.
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

from credpath.indexes import label_words, name_lexicon
from credpath.ml.encoder import Encoder
from credpath.ml.index import VectorIndex, subset, text_hashes
from credpath.ml.metrics import (
    BOOTSTRAP_RESAMPLES,
    bootstrap_interval,
    paired_difference,
    per_query_metrics,
    ranking_metrics,
)
from credpath.pipeline.indexing import index_texts
from credpath.skills.label_words import LabelWords
from credpath.skills.lexicon import NameLexicon
from credpath.skills.linking import (
    EXTRACTION_THRESHOLD,
    EXTRACTION_THRESHOLD_WITHOUT_WORDS,
    LinkerConfig,
    TextLinker,
)
from credpath.skills.representations import WEIGHTS, ItemText
from credpath.skills.titles import normalise_title
from credpath.skills.training import is_held_out
from credpath.storage.repositories import index_rows
from credpath.storage.repositories import occupations as occupation_repo
from credpath.vocabulary import is_esco_id

__all__ = ["EVAL_DIR", "EvalReport", "evaluate_sentence_sets", "run_evaluation"]

log = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parents[3] / "data" / "eval"
# Each hand-labelled set is read with its companion of later, larger additions.
SENTENCE_FILES = ("job_ad_sentences.jsonl", "job_ad_sentences_extra.jsonl")
TITLE_FILES = ("vacancy_titles.jsonl", "vacancy_titles_extra.jsonl")
STRAY_ABLATION = "credpath, alt titles at 0.98"
# (dev set, method with a lever, the same method without it): the gains reported with paired intervals.
COMPARISONS = (
    ("skills_alt_label", "labels + descriptions + names", "labels + descriptions"),
    ("skills_alt_label", "credpath: + label words", "labels + descriptions + names"),
    ("occupations_alt_label", "credpath: all labels, normalised titles", "all labels"),
    ("onet_title_to_esco", "credpath: all ESCO labels, normalised titles", "all ESCO labels"),
    ("job_ad_sentences", "+ names", "+ phrases + products"),
    ("job_ad_sentences_extra", "+ names", "+ phrases + products"),
    ("job_ad_sentences", "credpath: + label words", "+ names"),
    ("job_ad_sentences_extra", "credpath: + label words", "+ names"),
    ("vacancy_titles", "+ title normalisation, no abbreviations", "+ phrases"),
    ("vacancy_titles", "credpath: + title normalisation", "+ phrases"),
    ("vacancy_titles_extra", "credpath: + title normalisation", "+ phrases"),
    # Alternative titles that read as another occupation count STRAY_WEIGHT (skills.representations).
    ("occupations_alt_label", "credpath: all labels, normalised titles", STRAY_ABLATION),
    ("onet_title_to_esco", "credpath: all ESCO labels, normalised titles", STRAY_ABLATION),
    ("vacancy_titles", "credpath: + title normalisation", STRAY_ABLATION),
    ("vacancy_titles_extra", "credpath: + title normalisation", STRAY_ABLATION),
)


@dataclass(frozen=True, slots=True)
class _Method:
    """How one row of a dev set is scored: which index, phrases or not, names, title normalisation."""

    index: VectorIndex
    use_phrases: bool = False
    allowed: np.ndarray | None = None
    lexicon: NameLexicon | None = None
    words: LabelWords | None = None
    normalise: bool = False
    expand_abbreviations: bool = True


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Metrics per dev set and method, plus extraction precision/recall per threshold."""

    results: dict[str, dict[str, dict[str, Any]]]
    extraction: dict[str, Any]
    seconds: float
    # Top-1 precision of held-out skill labels at or above each score: what alignment confidences use.
    calibration: list[dict[str, float]] = field(default_factory=list)
    # dev set → "method vs method" → metric → mean difference and its paired bootstrap 95% interval.
    differences: dict[str, dict[str, dict[str, dict[str, float]]]] = field(default_factory=dict)

    def table(self) -> str:
        """A plain-text table for the terminal."""
        lines = [f"{'dev set':24} {'method':28} {'n':>5} {'MRR':>6} {'RP@5':>6} {'RP@10':>6} {'R@10':>6} {'R@50':>6}"]
        for dataset, methods in self.results.items():
            for method, m in methods.items():
                lines.append(
                    f"{dataset:24} {method:28} {m['n']:>5} {m['mrr']:>6.3f} {m['rp@5']:>6.3f} {m['rp@10']:>6.3f}"
                    f" {m['recall@10']:>6.3f} {m['recall@50']:>6.3f}"
                )
        for dataset, comparisons in self.differences.items():
            for comparison, metrics in comparisons.items():
                cells = ", ".join(
                    f"{metric} {d['mean']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]" for metric, d in metrics.items()
                )
                lines.append(f"{dataset}: {comparison}: {cells}")
        if self.extraction:
            boilerplate = self.extraction["boilerplate_sentences"]
            for label, row in (
                ("best F1", self.extraction["best"]),
                ("shipped", self.extraction["shipped"]),
                ("shipped, without label words", self.extraction["without_words"]["shipped"]),
                ("shipped, without names or words", self.extraction["before"]["shipped"]),
            ):
                lines.append(
                    f"extraction (job-ad sentences + boilerplate), {label}: threshold {row['threshold']:.3f} → "
                    f"precision {row['precision']:.3f}, recall {row['recall']:.3f}, F1 {row['f1']:.3f}, boilerplate "
                    f"sentences with any output {row['boilerplate_with_output']}/{boilerplate}"
                )
            for lever in ("words", "names"):
                gain = self.extraction[f"{lever}_gain_at_shipped"]
                lines.append(
                    f"extraction gain from {lever} at the shipped threshold (paired bootstrap 95%): "
                    + ", ".join(f"{m} {d['mean']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]" for m, d in gain.items())
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


def _flat_titles(index: VectorIndex, kinds: list[str]) -> VectorIndex:
    """A copy of the occupations index with every alternative title back at its kind's weight (the ablation)."""
    flat = subset(index, np.ones(len(index.owners), dtype=bool))
    flat.weights[_kind_mask(index, kinds, {"alternate_title"})] = WEIGHTS["alternate_title"]
    return flat


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
    methods: dict[str, _Method],
    encoder: Encoder,
    config: LinkerConfig,
    results: dict[str, dict[str, dict[str, Any]]],
    baseline_encoder: Encoder | None = None,
    per_query: dict[str, dict[str, dict[str, np.ndarray]]] | None = None,
) -> None:
    if not queries:
        return
    for method, spec in methods.items():
        # The baseline is plain MiniLM: with a fine-tuned encoder it is scored by the bundled one.
        plain = baseline_encoder if baseline_encoder is not None and method.startswith("baseline") else encoder
        linker = TextLinker(plain, spec.index, config, spec.lexicon, spec.words)
        texts = (
            [normalise_title(q, expand_abbreviations=spec.expand_abbreviations) for q in queries]
            if spec.normalise
            else queries
        )
        ranking = linker.rank(texts, 50, allowed=spec.allowed, use_phrases=spec.use_phrases)
        ranked = _ranked_ids(spec.index, ranking)
        row: dict[str, Any] = dict(ranking_metrics(ranked, gold).as_dict())
        values = per_query_metrics(ranked, gold)
        row |= {"mrr_ci": bootstrap_interval(values["rr"]), "rp@5_ci": bootstrap_interval(values["rp5"])}
        row["recall@5_ci"] = bootstrap_interval(values["r5"])
        results.setdefault(name, {})[method] = row
        if per_query is not None:
            per_query.setdefault(name, {})[method] = values
        log.info("eval %s / %s: %s", name, method, row)


def evaluate_sentence_sets(
    engine: Engine,
    skills: VectorIndex,
    encoder: Encoder,
    sets: dict[str, tuple[list[str], list[set[str]]]],
    *,
    baseline_encoder: Encoder | None = None,
    with_baseline: bool = True,
) -> dict[str, dict[str, Any]]:
    """Score sentence sets from outside (the public ones) as ``job_ad_sentences`` is scored.

    Three methods: the plain baseline (MiniLM over preferred labels, whole sentence), credpath without the
    verbatim names and credpath as served. Each set's entry holds the methods' metrics and the paired gain
    of the served method over the baseline, with its 95% interval.

    Args:
        engine: database with the loaded bundle (for the texts the skills index was built from).
        skills: the built skills index.
        encoder: the encoder the index was built with.
        sets: set name → (sentences, gold ESCO skill ids per sentence).
        baseline_encoder: the plain bundled model, when ``encoder`` is a fine-tuned one.
        with_baseline: score the baseline too (re-embedding every preferred label with the plain model
            takes ~1-2 min on 2 cores).
    """
    config = LinkerConfig()
    with Session(engine) as session:
        skill_reprs = index_texts(session, "skills", encoder)
    exact = subset(skills, np.ones(len(skills.owners), dtype=bool))
    with Session(engine) as session:
        names = name_lexicon(session, "skills", exact.hashes, exact.owners)
        words = label_words(session, exact.hashes, exact.owners)
    methods = {
        "+ phrases + products": _Method(exact, use_phrases=True),
        "+ names": _Method(exact, use_phrases=True, lexicon=names),
        "credpath: + label words": _Method(exact, use_phrases=True, lexicon=names, words=words),
    }
    if with_baseline:
        preferred = _kind_mask(skills, [t.kind for t in skill_reprs], {"preferred"})
        baseline = subset(skills, preferred)
        if baseline_encoder is not None:
            baseline = _plain_index(skills, preferred, skill_reprs, baseline_encoder)
        methods = {"baseline: preferred labels": _Method(baseline)} | methods
    results: dict[str, dict[str, dict[str, Any]]] = {}
    per_query: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    out: dict[str, dict[str, Any]] = {}
    for name, (queries, gold) in sets.items():
        _evaluate(name, queries, gold, methods, encoder, config, results, baseline_encoder, per_query)
        if name not in results:
            continue
        out[name] = {"methods": results[name]}
        served = per_query[name]["credpath: + label words"]
        # The last lever on sets no weight was chosen on: label words against the method without them.
        out[name]["words_vs_names"] = _paired(served, per_query[name]["+ names"])
        if with_baseline:
            out[name]["served_vs_baseline"] = _paired(served, per_query[name]["baseline: preferred labels"])
    return out


def _paired(after: dict[str, np.ndarray], before: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Paired gains of ``after`` over ``before`` in MRR, RP@5 and recall@5, each with its 95% interval."""
    return {
        metric: paired_difference(after[key], before[key])
        for metric, key in (("mrr", "rr"), ("rp@5", "rp5"), ("recall@5", "r5"))
    }


def _differences(
    per_query: dict[str, dict[str, dict[str, np.ndarray]]],
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Each lever's paired gain over the same method without it (``COMPARISONS``), with its 95% interval."""
    out: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for dataset, after, before in COMPARISONS:
        methods = per_query.get(dataset, {})
        if after in methods and before in methods:
            out.setdefault(dataset, {})[f"{after} vs {before}"] = _paired(methods[after], methods[before])
    return out


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


def _extracted(linker: TextLinker, sentences: list[dict[str, Any]], lowest: float) -> list[dict[str, float]]:
    """Per sentence, every item extracted at ``lowest`` with its score.

    One extraction at the lowest threshold serves a whole sweep: an item is extracted at threshold ``t``
    exactly when its best qualifying score reaches ``t`` (the margin and boilerplate rules do not depend on ``t``).
    """
    return [
        {linker.index.item_ids[m.item]: m.score for m in linker.extract(sentence["text"], lowest)}
        for sentence in sentences
    ]


def _counts(extracted: list[dict[str, float]], sentences: list[dict[str, Any]], threshold: float) -> np.ndarray:
    """Per sentence: true positives, false positives, false negatives, and whether boilerplate had output."""
    rows = []
    for sentence, scores in zip(sentences, extracted, strict=True):
        found = {item for item, score in scores.items() if score >= threshold}
        gold = {s["uri"] for s in sentence["skills"]}
        rows.append((len(found & gold), len(found - gold), len(gold - found), int(not gold and bool(found))))
    return np.array(rows, dtype=np.float64).reshape(len(rows), 4)


def _prf(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Micro precision, recall and F1 from summed (tp, fp, fn, ...) counts, over any leading axes."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=tp + fp > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=tp + fn > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(tp), where=precision + recall > 0)
    return precision, recall, f1


def _extraction_sweep(
    extracted: list[dict[str, float]],
    sentences: list[dict[str, Any]],
    thresholds: list[float],
    shipped_at: float = EXTRACTION_THRESHOLD,
) -> dict[str, Any]:
    """Precision, recall and F1 of extraction at each threshold, over sentences with and without gold skills.

    ``shipped``: the row at ``shipped_at``, the threshold this variant is (or was) served at.
    """
    rows = []
    for threshold in thresholds:
        counts = _counts(extracted, sentences, threshold)
        precision, recall, f1 = _prf(counts.sum(axis=0))
        rows.append(
            {
                "threshold": threshold,
                "precision": round(float(precision), 4),
                "recall": round(float(recall), 4),
                "f1": round(float(f1), 4),
                "boilerplate_with_output": int(counts[:, 3].sum()),
            }
        )
    best = max(rows, key=lambda r: (r["f1"], r["threshold"]))
    shipped = min(rows, key=lambda r: abs(r["threshold"] - shipped_at))
    return {
        "sweep": rows,
        "best": best,
        "shipped": shipped,
        "boilerplate_sentences": sum(1 for s in sentences if not s["skills"]),
    }


def _extraction_gain(
    after: list[dict[str, float]],
    before: list[dict[str, float]],
    sentences: list[dict[str, Any]],
    seed: int = 0,
    *,
    after_at: float = EXTRACTION_THRESHOLD,
    before_at: float = EXTRACTION_THRESHOLD,
) -> dict[str, dict[str, float]]:
    """Paired bootstrap (over sentences) of the gain in precision, recall and F1, each side at its threshold."""
    a = _counts(after, sentences, after_at)
    b = _counts(before, sentences, before_at)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(sentences), size=(BOOTSTRAP_RESAMPLES, len(sentences)))
    sampled = [np.array(_prf(a[draws].sum(axis=1))) - np.array(_prf(b[draws].sum(axis=1)))]
    point = np.array(_prf(a.sum(axis=0))) - np.array(_prf(b.sum(axis=0)))
    out = {}
    for row, metric in enumerate(("precision", "recall", "f1")):
        low, high = np.percentile(sampled[0][row], [2.5, 97.5])
        out[metric] = {"mean": round(float(point[row]), 4), "low": round(float(low), 4), "high": round(float(high), 4)}
    return out


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
    occ_flat = _flat_titles(occupations, occ_kinds)
    titled = _kind_mask(occupations, occ_kinds, {"title"})
    occ_baseline = subset(occupations, titled)
    if baseline_encoder is not None:
        occ_baseline = _plain_index(occupations, titled, occ_reprs, baseline_encoder)

    def esco_only(index: VectorIndex) -> np.ndarray:
        return np.array([is_esco_id(item) for item in index.item_ids])

    def names(index: VectorIndex) -> NameLexicon:
        # Built against the very index searched, so a held-out label is not a name there either.
        with Session(engine) as session:
            return name_lexicon(session, "skills", index.hashes, index.owners)

    def words(index: VectorIndex) -> LabelWords:
        # Likewise: a held-out label's words are not its skill's words in the index it is searched in.
        with Session(engine) as session:
            return label_words(session, index.hashes, index.owners)

    results: dict[str, dict[str, dict[str, Any]]] = {}
    per_query: dict[str, dict[str, dict[str, np.ndarray]]] = {}

    def evaluate(dataset: str, queries: list[str], gold: list[set[str]], methods: dict[str, _Method]) -> None:
        _evaluate(dataset, queries, gold, methods, encoder, config, results, baseline_encoder, per_query)

    note("skills_alt_label")
    queries, gold, keep = _holdout(skills, skill_reprs, sample, seed)
    held_full = subset(skills, keep)
    held_names = names(held_full)
    held_labels = subset(skills, keep & _kind_mask(skills, skill_kinds, {"preferred", "alternative"}))
    evaluate(
        "skills_alt_label",
        queries,
        gold,
        {
            "baseline: preferred labels": _Method(skills_baseline),
            "all labels": _Method(held_labels),
            "labels + descriptions": _Method(held_full),
            "labels + descriptions + names": _Method(held_full, lexicon=held_names),
            "credpath: + label words": _Method(held_full, lexicon=held_names, words=words(held_full)),
        },
    )
    calibration = _calibration(TextLinker(encoder, held_full, config), queries, gold)

    note("occupations_alt_label")
    queries, gold, keep = _holdout(occupations, occ_reprs, sample, seed)
    esco_queries = [(q, g) for q, g in zip(queries, gold, strict=True) if is_esco_id(next(iter(g)))]
    held = subset(occupations, keep)
    held_flat = subset(occ_flat, keep)
    evaluate(
        "occupations_alt_label",
        [q for q, _ in esco_queries],
        [g for _, g in esco_queries],
        {
            "baseline: preferred labels": _Method(occ_baseline, allowed=esco_only(occ_baseline)),
            "all labels": _Method(held, allowed=esco_only(held)),
            "credpath: all labels, normalised titles": _Method(held, allowed=esco_only(held), normalise=True),
            STRAY_ABLATION: _Method(held_flat, allowed=esco_only(held_flat), normalise=True),
        },
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
    esco_exact = esco_only(occ_exact)
    evaluate(
        "onet_title_to_esco",
        [t for t, _ in flat],
        [g for _, g in flat],
        {
            "baseline: preferred labels": _Method(occ_baseline, allowed=esco_only(occ_baseline)),
            "all ESCO labels": _Method(occ_exact, allowed=esco_exact),
            "credpath: all ESCO labels, normalised titles": _Method(occ_exact, allowed=esco_exact, normalise=True),
            STRAY_ABLATION: _Method(occ_flat, allowed=esco_exact, normalise=True),
        },
    )

    note("hand-labelled sets")
    sentences = [row for file in SENTENCE_FILES for row in _read_jsonl(eval_dir / file)]
    extra_ids = {row["id"] for row in _read_jsonl(eval_dir / SENTENCE_FILES[1])}
    labelled = [s for s in sentences if s["skills"]]
    no_products = subset(skills, ~_kind_mask(skills, skill_kinds, {"product"}))
    skill_names = names(skills_exact)
    skill_words = words(skills_exact)
    sentence_methods = {
        "baseline: preferred labels": _Method(skills_baseline),
        "all labels, whole sentence": _Method(skills_labels),
        "labels + descriptions": _Method(no_products),
        "labels + descriptions + phrases": _Method(no_products, use_phrases=True),
        "+ phrases + products": _Method(skills_exact, use_phrases=True),
        "+ names": _Method(skills_exact, use_phrases=True, lexicon=skill_names),
        "credpath: + label words": _Method(skills_exact, use_phrases=True, lexicon=skill_names, words=skill_words),
    }
    evaluate(
        "job_ad_sentences",
        [s["text"] for s in labelled],
        [{x["uri"] for x in s["skills"]} for s in labelled],
        sentence_methods,
    )
    # The later sentences alone: written after the method's choices were made on the first ones.
    extra = [s for s in labelled if s["id"] in extra_ids]
    evaluate(
        "job_ad_sentences_extra",
        [s["text"] for s in extra],
        [{x["uri"] for x in s["skills"]} for s in extra],
        {
            name: sentence_methods[name]
            for name in ("baseline: preferred labels", "+ phrases + products", "+ names", "credpath: + label words")
        },
    )
    vacancies = [row for file in TITLE_FILES for row in _read_jsonl(eval_dir / file)]
    extra_ids = {row["id"] for row in _read_jsonl(eval_dir / TITLE_FILES[1])}
    title_methods = {
        "baseline: preferred labels": _Method(occ_baseline, allowed=esco_only(occ_baseline)),
        "all ESCO labels": _Method(occ_exact, allowed=esco_exact),
        "+ phrases": _Method(occ_exact, use_phrases=True, allowed=esco_exact),
        "+ title normalisation, no abbreviations": _Method(
            occ_exact, use_phrases=True, allowed=esco_exact, normalise=True, expand_abbreviations=False
        ),
        "credpath: + title normalisation": _Method(occ_exact, use_phrases=True, allowed=esco_exact, normalise=True),
        STRAY_ABLATION: _Method(occ_flat, use_phrases=True, allowed=esco_exact, normalise=True),
    }
    evaluate(
        "vacancy_titles",
        [v["title"] for v in vacancies],
        [{x["uri"] for x in v["occupations"]} for v in vacancies],
        title_methods,
    )
    extra_titles = [v for v in vacancies if v["id"] in extra_ids]
    evaluate(
        "vacancy_titles_extra",
        [v["title"] for v in extra_titles],
        [{x["uri"] for x in v["occupations"]} for v in extra_titles],
        {
            name: title_methods[name]
            for name in ("baseline: preferred labels", "+ phrases", "credpath: + title normalisation", STRAY_ABLATION)
        },
    )
    extraction: dict[str, Any] = {}
    if sentences:
        thresholds = [round(0.40 + 0.025 * i, 3) for i in range(17)]
        lowest = min(thresholds)
        served = _extracted(TextLinker(encoder, skills_exact, config, skill_names, skill_words), sentences, lowest)
        with_names = _extracted(TextLinker(encoder, skills_exact, config, skill_names), sentences, lowest)
        without = _extracted(TextLinker(encoder, skills_exact, config), sentences, lowest)
        earlier = EXTRACTION_THRESHOLD_WITHOUT_WORDS
        extraction = _extraction_sweep(served, sentences, thresholds)
        extraction["without_words"] = _extraction_sweep(with_names, sentences, thresholds, earlier)
        extraction["before"] = _extraction_sweep(without, sentences, thresholds, earlier)
        # Each served as it was: with words at EXTRACTION_THRESHOLD, without them at the threshold they had.
        extraction["words_gain_at_shipped"] = _extraction_gain(served, with_names, sentences, before_at=earlier)
        extraction["names_gain_at_shipped"] = _extraction_gain(
            with_names, without, sentences, after_at=earlier, before_at=earlier
        )
    return EvalReport(results, extraction, time.perf_counter() - started, calibration, _differences(per_query))
