"""Inferred links: credentials → the ESCO skills they teach, and O*NET occupations → ESCO profiles.

Credential skills: every credential's tags, title, title phrases and description *propose* skills
(:mod:`credpath.skills.alignment`); a logistic scorer fitted on the hand-judged pairs
(``data/eval/alignment_judgments.jsonl``) decides which it teaches and how sure that is
(:mod:`credpath.skills.alignment_model`). Only proposals that the credential's own title or description
names are served, at or above the threshold chosen on the judged half A; the confidence is the
probability, calibrated on half B, that an adviser reading the credential says it teaches the skill.
The model is fitted on a build whose inputs changed (it is deterministic and depends on the encoder) and
saved beside the indexes with its fit report and a digest of those inputs (``models/alignment/model.json``);
when it changes, every credential is re-aligned, otherwise only credentials whose content changed.
"""

import hashlib
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.alignments import alignment_dir, credential_text, model_identity, served_alignments, skill_facts
from credpath.config import repository_root
from credpath.errors import ArtifactError
from credpath.ml.encoder import CachedEncoder, Encoder
from credpath.ml.index import VectorIndex
from credpath.skills.alignment import FEATURE_NAMES, AlignmentCandidate, SkillFacts, featurize, supported
from credpath.skills.alignment_model import AlignmentModel, FitReport, JudgedPair, fit_alignment_model
from credpath.skills.linking import TextLinker
from credpath.storage.bulk import sync_rows
from credpath.storage.db import session_scope
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories.credentials import AlignmentInput, InferredSkill
from credpath.storage.tables import OccupationLink
from credpath.vocabulary import is_esco_id

__all__ = [
    "JUDGMENTS_FILE",
    "AlignmentReport",
    "align_credentials",
    "alignment_dir",
    "fit_inputs_digest",
    "link_onet_occupations",
    "read_judgments",
]

log = logging.getLogger(__name__)

JUDGMENTS_FILE = repository_root() / "data" / "eval" / "alignment_judgments.jsonl"
_ENCODE_CACHE = 60_000
# How far a refit's confidences may move, on every candidate of the judged credentials, and the saved model be
# kept (see _same_scorer): twice the 0.001 that served confidences are stored to.
SAME_SCORER_TOLERANCE = 0.002


@dataclass(frozen=True, slots=True)
class AlignmentReport:
    """What one alignment pass did."""

    credentials: int
    skills: int
    links: int
    seconds: float


def read_judgments(path: Path = JUDGMENTS_FILE) -> list[dict[str, Any]]:
    """The hand-judged credential → skill pairs.

    Raises:
        ArtifactError: the file is missing (alignments cannot be scored without it).
    """
    if not path.is_file():
        raise ArtifactError(f"alignment judgements not found at {path}; they ship in data/eval/")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _fit(
    judged: Sequence[Mapping[str, Any]], candidates: Sequence[AlignmentCandidate], skills: VectorIndex
) -> tuple[AlignmentModel, FitReport]:
    features = {(c.credential_id, skills.item_ids[c.item]): c.features for c in candidates}
    pairs = [
        JudgedPair(
            credential_id=j["credential_id"],
            skill_id=j["skill_id"],
            verdict=j["verdict"],
            split=j["split"],
            weight=j["stratum_size"] / j["stratum_sampled"],
            stratum=j["stratum"],
            group=j["canonical_key"],
            features=features[(j["credential_id"], j["skill_id"])],
            eligible=bool(supported(features[(j["credential_id"], j["skill_id"])][None, :])[0]),
        )
        for j in judged
        if (j["credential_id"], j["skill_id"]) in features
    ]
    if len(pairs) < len(judged):
        log.warning("%d judged pairs name a credential or skill no longer loaded", len(judged) - len(pairs))
    return fit_alignment_model(pairs, FEATURE_NAMES)


# The modules whose code turns the same inputs into another scorer (features, fit, serving rule): a change
# to any of them refits.
_SCORER_SOURCES = tuple(sys.modules[f.__module__] for f in (featurize, fit_alignment_model, served_alignments))


def fit_inputs_digest(
    judgments: bytes, skills: VectorIndex, judged_rows: Sequence[AlignmentInput], facts: SkillFacts
) -> str:
    """A digest of everything the fitted scorer depends on.

    Featurising the ~1,250 judged credentials takes ~30 s on 2 cores, so a build whose judgements, skills
    index (its texts and encoder), judged credentials, skill facts and scorer code are all unchanged reuses
    the saved model instead (``make run`` rebuilds nothing on a restart; a catalogue edit still refits, as it
    moves the tag frequencies).
    """
    digest = hashlib.sha256(judgments)
    manifest = skills.manifest
    digest.update(repr((manifest.encoder, manifest.backend, manifest.texts_hash) if manifest else None).encode())
    digest.update(repr(sorted((row.id, row.content_hash) for row in judged_rows)).encode())
    for array in (facts.occupations, facts.transversal, facts.knowledge, facts.language):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps([list(facts.labels), list(facts.meanings)]).encode())
    digest.update(json.dumps([sorted(facts.tag_frequency.items()), facts.credentials]).encode())
    for module in _SCORER_SOURCES:
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _SavedFit:
    """What an earlier build saved: the digest of its inputs, its model and its fit report."""

    inputs: str | None
    model: AlignmentModel
    report: FitReport


def _read_fit(saved: Path) -> _SavedFit | None:
    """The saved file's inputs digest, model and fit report, or None when there is none or it is unreadable."""
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
        return _SavedFit(data.get("inputs"), AlignmentModel.from_json(data["model"]), FitReport(**data["fit"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _saved_fit(saved: Path, inputs: str) -> tuple[AlignmentModel, FitReport] | None:
    """The model saved by an earlier build from the same inputs, or None."""
    read = _read_fit(saved)
    if read is None or read.inputs != inputs:
        return None
    return read.model, read.report


def _same_scorer(
    saved: Path, refit: AlignmentModel, candidates: Sequence[AlignmentCandidate]
) -> tuple[AlignmentModel, FitReport] | None:
    """The saved model and its report when ``refit`` would serve what it serves, else None.

    A small import moves the catalogue's tag counts, so the refit's coefficients move too (by ~1e-4 after
    the three-credential portal fixture) and a new identity would re-align every credential for nothing.
    When no judged credential's candidate changes side of the threshold and no confidence moves by more
    than :data:`SAME_SCORER_TOLERANCE`, the saved model is kept and only new or edited credentials are aligned.
    """
    read = _read_fit(saved)
    if read is None:
        return None
    previous, report = read.model, read.report
    if previous.features != refit.features or not candidates:
        return None
    x = np.stack([c.features for c in candidates])
    old, new = previous.confidence(x), refit.confidence(x)
    same_side = np.array_equal(old >= previous.threshold, new >= refit.threshold)
    if same_side and float(np.max(np.abs(old - new))) <= SAME_SCORER_TOLERANCE:
        return previous, report
    return None


def align_credentials(
    engine: Engine,
    skills: VectorIndex,
    encoder: Encoder,
    models_dir: Path,
    *,
    everything: bool = False,
    judgments: Path = JUDGMENTS_FILE,
) -> AlignmentReport:
    """Fit the scorer on the judged pairs, then infer ESCO skills for credentials that changed (or all).

    Args:
        engine: database.
        skills: the skills index.
        encoder: the encoder the index was built with.
        models_dir: where the fitted model is saved (``alignment/model.json``).
        everything: re-align every credential (the skills index changed).
        judgments: the hand-judged pairs.
    """
    started = time.perf_counter()
    judged = read_judgments(judgments)
    # The judged credentials are featurised for the fit and again when every credential is aligned, and titles
    # and tags repeat across a catalogue: ~10 texts per credential, ~60,000 for a full build (~90 MiB at most).
    linker = TextLinker(CachedEncoder(encoder, maxsize=_ENCODE_CACHE), skills)
    judged_skills: dict[str, list[int]] = defaultdict(list)
    for pair in judged:
        position = skills.position(pair["skill_id"])
        if position is not None:
            judged_skills[pair["credential_id"]].append(position)
    with Session(engine) as session:
        facts = skill_facts(session, skills)
        judged_rows = credential_repo.credentials_by_id(session, list(judged_skills))
    directory = alignment_dir(models_dir)
    saved = directory / "model.json"
    inputs = fit_inputs_digest(judgments.read_bytes(), skills, judged_rows, facts)
    reused = _saved_fit(saved, inputs)
    if reused is None:
        fitted = featurize(linker, [credential_text(r) for r in judged_rows], facts, extra=judged_skills)
        model, fit = _fit(judged, fitted, skills)
        kept = _same_scorer(saved, model, fitted)
        if kept is not None:
            model, fit = kept
            log.info("alignment model %s: the refit scores as the saved one does, keeping it", model.fingerprint)
    else:
        model, fit = reused
        log.info("alignment model %s: inputs unchanged, reusing the saved fit", model.fingerprint)
    identity = model_identity(model)
    previous = json.loads(saved.read_text(encoding="utf-8")).get("identity") if saved.is_file() else None
    everything = everything or previous != identity
    with Session(engine) as session:
        rows = credential_repo.credentials_to_align(session, everything)
    log.info(
        "alignment model %s: threshold %.3f, held-out judged precision %.3f (recall %.3f); aligning %d credentials",
        model.fingerprint,
        model.threshold,
        fit.precision_b,
        fit.recall_b,
        len(rows),
    )
    alignments: dict[str, list[InferredSkill]] = {}
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        served = served_alignments(featurize(linker, [credential_text(r) for r in batch], facts), model, skills)
        alignments.update({row.id: served.get(row.id, []) for row in batch})
        log.info("aligned %d/%d credentials", min(start + 1000, len(rows)), len(rows))
    with session_scope(engine) as session:
        written = credential_repo.replace_inferred_skills(
            session, alignments, {row.id: row.content_hash for row in rows}
        )
    directory.mkdir(parents=True, exist_ok=True)
    saved.write_text(
        json.dumps({"identity": identity, "inputs": inputs, "model": model.to_json(), "fit": asdict(fit)}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    report = AlignmentReport(len(rows), written, 0, time.perf_counter() - started)
    log.info("aligned %d credentials to %d ESCO skills in %.1fs", report.credentials, written, report.seconds)
    return report


def link_onet_occupations(engine: Engine, index: VectorIndex, encoder: Encoder) -> AlignmentReport:
    """Link every O*NET occupation to ESCO: through the crosswalk, else to the nearest ESCO occupation."""
    started = time.perf_counter()
    with Session(engine) as session:
        pairs = occupation_repo.crosswalk_pairs(session)
        onet = occupation_repo.onet_occupation_titles(session)
        confidence = occupation_repo.crosswalk_confidence(session)
    linked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for esco, onet_id in pairs:
        linked[onet_id].append(
            {"onet_id": onet_id, "esco_id": esco, "method": "crosswalk", "score": confidence.get(esco)}
        )
    missing = [(onet_id, title) for onet_id, title in onet if onet_id not in linked]
    esco_mask = np.array([is_esco_id(item) for item in index.item_ids])
    linker = TextLinker(encoder, index)
    if missing:
        ranked = linker.rank([title for _, title in missing], 1, allowed=esco_mask, use_phrases=False)
        for (onet_id, _title), (positions, scores) in zip(missing, ranked, strict=True):
            linked[onet_id].append(
                {
                    "onet_id": onet_id,
                    "esco_id": index.item_ids[int(positions[0])],
                    "method": "nearest",
                    "score": round(float(scores[0]), 4),
                }
            )
    rows = [link for links in linked.values() for link in links]
    with session_scope(engine) as session:
        sync_rows(session, OccupationLink, rows, delete_missing=True)
    report = AlignmentReport(0, 0, len(rows), time.perf_counter() - started)
    log.info(
        "linked %d O*NET occupations to ESCO (%d via crosswalk, %d nearest) in %.1fs",
        len(linked),
        len(linked) - len(missing),
        len(missing),
        report.seconds,
    )
    return report
