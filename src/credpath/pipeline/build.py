"""The build step behind ``credpath build-index``, ``eval`` and ``eval-public``: encoder, indexes, alignments."""

import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.indexes import INDEX_NAMES, index_dir
from credpath.ml.encoder import CachedEncoder, OnnxEncoder, TorchEncoder, bundled_model_dir
from credpath.ml.export import encoder_weights, ensure_onnx
from credpath.ml.index import VectorIndex
from credpath.pipeline.alignment import align_credentials, link_onet_occupations
from credpath.pipeline.alignment_eval import alignment_quality
from credpath.pipeline.evaluation import EvalReport, evaluate_sentence_sets, run_evaluation
from credpath.pipeline.indexing import IndexBuildReport, build_index
from credpath.pipeline.public_sets import label_ids, read_public_sets
from credpath.storage.repositories.skills import all_skill_labels

__all__ = ["batch_encoder", "build_all", "evaluate", "evaluate_public"]

log = logging.getLogger(__name__)


def batch_encoder(models_dir: Path) -> OnnxEncoder:
    """The ONNX encoder for batch jobs (exported on first use; both cores)."""
    artifact = ensure_onnx(models_dir)
    return OnnxEncoder(artifact.model_file(models_dir), backend=artifact.backend, threads=2)


def build_all(
    engine: Engine,
    models_dir: Path,
    *,
    names: Iterable[str] | None = None,
    force: bool = False,
    show_progress: bool = False,
    align: bool = True,
) -> list[IndexBuildReport]:
    """Build every index that is missing or stale (or ``names`` only), then align the credentials (``align``)."""
    started = time.perf_counter()
    encoder = batch_encoder(models_dir)
    reports = [
        build_index(engine, models_dir, name, encoder, force=force, show_progress=show_progress)
        for name in (names or INDEX_NAMES)
    ]
    built = {report.name: report for report in reports}
    if "skills" in built and align:
        skills = VectorIndex.load(index_dir(models_dir, "skills"), mmap=False)
        # A rebuilt skills index may change every alignment; otherwise only edited credentials are redone.
        align_credentials(engine, skills, encoder, models_dir, everything=built["skills"].status == "built")
    if "occupations" in built:
        link_onet_occupations(engine, VectorIndex.load(index_dir(models_dir, "occupations")), encoder)
    log.info("build-index done in %.1fs", time.perf_counter() - started)
    return reports


def evaluate(engine: Engine, models_dir: Path, *, sample: int = 2000, output: Path | None = None) -> EvalReport:
    """Run the dev-set evaluation against the built indexes (exact search) and optionally save JSON."""
    build_all(engine, models_dir, names=("skills", "occupations"))
    encoder = CachedEncoder(batch_encoder(models_dir), maxsize=100_000)
    skills = VectorIndex.load(index_dir(models_dir, "skills"), mmap=False, with_ann=False)
    occupations = VectorIndex.load(index_dir(models_dir, "occupations"), mmap=False, with_ann=False)
    weights, _identity = encoder_weights(models_dir)
    # With fine-tuned weights the baseline must still be the plain model (torch: no second export needed).
    baseline = CachedEncoder(TorchEncoder(), maxsize=100_000) if weights != bundled_model_dir() else None
    report = run_evaluation(engine, skills, occupations, encoder, sample=sample, baseline_encoder=baseline)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "sample": sample,
            "encoder": encoder.backend,
            "weights": encoder_weights(models_dir)[1],
            "results": report.results,
            "differences": report.differences,
            "extraction": report.extraction,
            "calibration": report.calibration,
            "alignments": alignment_quality(engine, models_dir),
            "seconds": round(report.seconds, 1),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return report


def evaluate_public(
    engine: Engine, models_dir: Path, directory: Path, *, output: Path | None = None, with_baseline: bool = True
) -> dict[str, Any]:
    """Score the public sentence sets in ``directory`` (``pipeline.public_sets``) and optionally save JSON."""
    build_all(engine, models_dir, names=("skills",), align=False)
    encoder = CachedEncoder(batch_encoder(models_dir), maxsize=100_000)
    skills = VectorIndex.load(index_dir(models_dir, "skills"), mmap=False, with_ann=False)
    weights, identity = encoder_weights(models_dir)
    tuned = weights != bundled_model_dir()
    baseline = CachedEncoder(TorchEncoder(), maxsize=100_000) if tuned and with_baseline else None
    with Session(engine) as session:
        ids = label_ids(all_skill_labels(session))
    public = read_public_sets(directory, ids)
    started = time.perf_counter()
    scored = evaluate_sentence_sets(
        engine,
        skills,
        encoder,
        {s.name: (s.sentences, s.gold) for s in public},
        baseline_encoder=baseline,
        with_baseline=with_baseline,
    )
    payload: dict[str, Any] = {
        "weights": identity,
        "sets": {
            s.name: {
                "sentences": len(s.sentences),
                "sentences_without_skill": s.without_skill,
                "unknown_labels": s.unknown_labels,
                **scored.get(s.name, {}),
            }
            for s in public
        },
        "seconds": round(time.perf_counter() - started, 1),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return payload
