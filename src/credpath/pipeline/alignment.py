"""Inferred links: credentials → the ESCO skills they teach, and O*NET occupations → ESCO profiles.

Credential skills come from three kinds of evidence, strongest first: a published skill tag that
matches an ESCO skill label, the title, and skill mentions in the description. Confidence is the
precision measured for that kind of evidence at that score (``credpath eval``): for short texts,
the top-1 precision of alternative labels of skills held out of the encoder's fine-tuning (``short-text
calibration`` in ``credpath eval``, ~2,000 queries: 0.943 at score >= 0.80, 0.960 at >= 0.85, 0.977 at
>= 0.90, 0.985 at >= 0.95); for description mentions, the extraction precision at 0.75 on the
hand-labelled ad sentences (0.71).
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.ml.encoder import Encoder
from credpath.ml.index import VectorIndex
from credpath.skills.linking import TextLinker
from credpath.storage.bulk import sync_rows
from credpath.storage.db import session_scope
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories.credentials import AlignmentInput, InferredSkill
from credpath.storage.tables import OccupationLink
from credpath.vocabulary import is_esco_id

__all__ = ["AlignmentReport", "align_credentials", "link_onet_occupations"]

log = logging.getLogger(__name__)

TAG_THRESHOLD = 0.80
TITLE_THRESHOLD = 0.85
DESCRIPTION_THRESHOLD = 0.75
DESCRIPTION_CONFIDENCE = 0.71
_SCORES = (0.80, 0.85, 0.90, 0.95, 1.00)
_PRECISION = (0.943, 0.960, 0.977, 0.985, 0.99)


@dataclass(frozen=True, slots=True)
class AlignmentReport:
    """What one alignment pass did."""

    credentials: int
    skills: int
    links: int
    seconds: float


def _confidence(score: float) -> float:
    return round(float(np.interp(score, _SCORES, _PRECISION)), 3)


def _infer(linker: TextLinker, rows: list[AlignmentInput]) -> dict[str, list[InferredSkill]]:
    """Skill alignments per credential: best evidence per skill, all evidence listed."""
    tags = sorted({tag for row in rows for tag in row.skill_tags})
    tag_hits: dict[str, list[tuple[int, float]]] = {}
    for start in range(0, len(tags), 512):
        batch = tags[start : start + 512]
        for tag, (positions, scores) in zip(batch, linker.rank(batch, 2, use_phrases=False), strict=True):
            # The runner-up counts only when it ties the best: a tag names one concept.
            tag_hits[tag] = [
                (int(p), float(s))
                for p, s in zip(positions, scores, strict=True)
                if s >= TAG_THRESHOLD and s >= scores[0] - 0.01
            ]
    titles = [row.title for row in rows]
    # Titles are names, not sentences: matched whole (phrase candidates only add noise and time here).
    title_hits = linker.rank(titles, 3, use_phrases=False) if titles else []
    out: dict[str, list[InferredSkill]] = {}
    for row, (title_positions, title_scores) in zip(rows, title_hits, strict=True):
        found: dict[int, tuple[float, float, list[str]]] = {}

        def add(item: int, score: float, confidence: float, evidence: str, found: dict[int, Any] = found) -> None:
            current = found.get(item)
            if current is None:
                found[item] = (score, confidence, [evidence])
            else:
                found[item] = (max(current[0], score), max(current[1], confidence), [*current[2], evidence])

        for tag in row.skill_tags:
            for item, score in tag_hits.get(tag, []):
                add(item, score, _confidence(score), f"tag '{tag}' ({score:.2f})")
        for item, score in zip(title_positions, title_scores, strict=True):
            if score >= TITLE_THRESHOLD:
                add(int(item), float(score), _confidence(float(score)), f"title ({score:.2f})")
        if row.description:
            for mention in linker.extract(row.description, DESCRIPTION_THRESHOLD):
                phrase = mention.phrase.text[:80]
                add(
                    mention.item, mention.score, DESCRIPTION_CONFIDENCE, f"description '{phrase}' ({mention.score:.2f})"
                )
        out[row.id] = [
            InferredSkill(
                skill_id=linker.index.item_ids[item], confidence=confidence, evidence="; ".join(evidence)[:500]
            )
            for item, (_score, confidence, evidence) in sorted(found.items(), key=lambda kv: -kv[1][1])
        ]
    return out


def align_credentials(
    engine: Engine, skills: VectorIndex, encoder: Encoder, *, everything: bool = False
) -> AlignmentReport:
    """Infer ESCO skills for credentials whose content changed since their last alignment (or all).

    Args:
        engine: database.
        skills: the skills index.
        encoder: the encoder the index was built with.
        everything: re-align every credential (the skills index changed).
    """
    started = time.perf_counter()
    with Session(engine) as session:
        rows = credential_repo.credentials_to_align(session, everything)
    if not rows:
        return AlignmentReport(0, 0, 0, time.perf_counter() - started)
    alignments = _infer(TextLinker(encoder, skills), rows)
    with session_scope(engine) as session:
        written = credential_repo.replace_inferred_skills(
            session, alignments, {row.id: row.content_hash for row in rows}
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
