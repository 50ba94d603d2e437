"""Credential → ESCO skill alignment as the build serves it, shared by the build and by catalogue imports.

The build's alignment pass (:mod:`credpath.pipeline.alignment`) fits the scorer on the hand-judged pairs
and saves it (``models/alignment/model.json``); a catalogue import (:mod:`credpath.services.catalog_imports`)
loads that saved scorer and links the imported credentials' free text at once, with the same candidates,
features, support rule, threshold and calibrated confidence. Both read the credential exactly as it is
stored (:class:`AlignmentInput`), so an import links what the next build would.

Shared like :mod:`credpath.indexes`: it reads the database through ``storage`` and scores through
``skills``, and imports neither ``services`` nor ``pipeline``.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlmodel import Session

from credpath.ml.encoder import Encoder
from credpath.ml.index import ItemIndex
from credpath.skills.alignment import (
    CANDIDATE_RECIPE,
    AlignmentCandidate,
    CredentialText,
    SkillFacts,
    featurize,
    supported,
)
from credpath.skills.alignment_model import AlignmentModel
from credpath.skills.linking import TextLinker
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.repositories.credentials import AlignmentInput, InferredSkill

__all__ = [
    "CredentialAligner",
    "alignment_dir",
    "credential_text",
    "model_identity",
    "read_saved_model",
    "served_alignments",
    "skill_facts",
]

log = logging.getLogger(__name__)

# The start of an ESCO description says what the skill is; the rest lengthens the text to encode.
MEANING_CHARS = 300


def alignment_dir(models_dir: Path) -> Path:
    """Where the fitted alignment model and its report live.

    Example:
        >>> alignment_dir(Path("models")).as_posix()
        'models/alignment'
    """
    return models_dir / "alignment"


def model_identity(model: AlignmentModel) -> str:
    """What a saved model is known by: its fingerprint and the candidate recipe it scores."""
    return f"{model.fingerprint}:{CANDIDATE_RECIPE}"


def read_saved_model(models_dir: Path) -> AlignmentModel | None:
    """The scorer the last build fitted, or None when there is none (or it scores an older candidate recipe)."""
    saved = alignment_dir(models_dir) / "model.json"
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
        model = AlignmentModel.from_json(data["model"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return model if data.get("identity") == model_identity(model) else None


def skill_facts(session: Session, skills: ItemIndex) -> SkillFacts:
    """The skill and tag facts the features need, by position in the skills index (read from the database)."""
    profiles = skill_repo.skill_profiles(session)
    frequency, total = credential_repo.tag_frequencies(session)
    rows = [profiles.get(item) for item in skills.item_ids]
    return SkillFacts(
        occupations=np.array([p.occupations if p else 0 for p in rows], dtype=np.float64),
        transversal=np.array([bool(p and p.reuse_level and "transversal" in p.reuse_level) for p in rows]),
        knowledge=np.array([bool(p and p.skill_type and "knowledge" in p.skill_type) for p in rows]),
        language=np.array([bool(p and "language" in p.collections) for p in rows]),
        labels=[p.label if p else "" for p in rows],
        meanings=[f"{p.label}: {p.description[:MEANING_CHARS]}" if p else "" for p in rows],
        tag_frequency=frequency,
        credentials=max(total, 1),
    )


def credential_text(row: AlignmentInput) -> CredentialText:
    """What the scorer reads of one stored credential."""
    return CredentialText(
        id=row.id, title=row.title, tags=tuple(row.skill_tags), description=row.description, hours=row.hours
    )


def served_alignments(
    candidates: Sequence[AlignmentCandidate], model: AlignmentModel, skills: ItemIndex
) -> dict[str, list[InferredSkill]]:
    """The candidates served: at or above the threshold and named by the credential's own title or description.

    Also every skill a credential's whole title names (``skills.alignment.named_by_title``), whatever its score.
    """
    out: dict[str, list[InferredSkill]] = defaultdict(list)
    if not candidates:
        return out
    matrix = np.stack([c.features for c in candidates])
    confidence = model.confidence(matrix)
    named = np.array([c.named for c in candidates])
    keep = (supported(matrix) & (confidence >= model.threshold)) | named
    for candidate, sure, kept in zip(candidates, confidence, keep, strict=True):
        if kept:
            evidence = ("title is the skill's name", *candidate.evidence) if candidate.named else candidate.evidence
            out[candidate.credential_id].append(
                InferredSkill(
                    skill_id=skills.item_ids[candidate.item],
                    confidence=round(float(sure), 3),
                    evidence="; ".join(evidence)[:500],
                )
            )
    for found in out.values():
        found.sort(key=lambda skill: -skill.confidence)
    return out


@dataclass(frozen=True, slots=True)
class CredentialAligner:
    """The saved scorer with the skills index, the encoder and the facts it reads: aligns stored credentials.

    Args:
        linker: the encoder and the skills index the scorer was fitted with.
        facts: :func:`skill_facts` of the database the credentials are in.
        model: the fitted, calibrated scorer (:func:`read_saved_model`).
    """

    linker: TextLinker
    facts: SkillFacts
    model: AlignmentModel

    @classmethod
    def load(
        cls, session: Session, encoder: Encoder, skills: ItemIndex, models_dir: Path
    ) -> "CredentialAligner | None":
        """The aligner the last build left under ``models_dir``, or None when no scorer is saved there yet."""
        model = read_saved_model(models_dir)
        if model is None:
            return None
        return cls(TextLinker(encoder, skills), skill_facts(session, skills), model)

    @property
    def identity(self) -> str:
        """The scorer's identity (:func:`model_identity`)."""
        return model_identity(self.model)

    def align(self, rows: Sequence[AlignmentInput]) -> Mapping[str, list[InferredSkill]]:
        """Each credential's served skills (an empty list where none is served), best first."""
        served = served_alignments(
            featurize(self.linker, [credential_text(r) for r in rows], self.facts), self.model, self.linker.index
        )
        return {row.id: served.get(row.id, []) for row in rows}
