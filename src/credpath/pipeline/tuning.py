"""The ``credpath tune`` step: fine-tune the encoder on the loaded taxonomy, once per data version.

The tuned model is a cached build artifact like the indexes: it is retrained only when the taxonomy,
the pair generator or the recipe changes. Once it exists, ``build-index`` exports it to ONNX and
re-embeds every index with it (the encoder identity is part of each index's fingerprint).
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.ml.encoder import bundled_model_dir, model_fingerprint
from credpath.ml.tuning import Pair, TuningArtifact, TuningRecipe, fine_tune, read_tuning, tuned_model_dir
from credpath.skills.training import HOLDOUT_PERCENT, combination_pairs, occupation_pairs, skill_pairs
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.repositories import index_rows

__all__ = ["PAIRS_VERSION", "TUNING_RECIPE", "expected_identity", "training_data", "training_fingerprint", "tune"]

log = logging.getLogger(__name__)

# Bump when skills/training.py changes what pairs it makes: it retrains the model.
PAIRS_VERSION = "2"
TUNING_RECIPE = TuningRecipe()


def _data_fingerprint(hashes: dict[str, str]) -> str:
    parts = [PAIRS_VERSION, str(HOLDOUT_PERCENT), hashes.get("esco", ""), hashes.get("onet", "")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def training_fingerprint(engine: Engine) -> str:
    """The fingerprint :func:`training_data` gives, without reading the texts or making the pairs."""
    with Session(engine) as session:
        return _data_fingerprint(dataset_repo.dataset_hashes(session))


def training_data(engine: Engine) -> tuple[list[Pair], str]:
    """Training pairs from the loaded ESCO and O*NET data, and a fingerprint of what they came from."""
    with Session(engine) as session:
        skills = index_rows.skill_text_rows(session)
        essential = index_rows.essential_relations(session)
        occupations = index_rows.occupation_text_rows(session)
        hashes = dataset_repo.dataset_hashes(session)
    roles: dict[str, list[str]] = defaultdict(list)
    profiles: dict[str, list[str]] = defaultdict(list)
    for relation in essential:
        roles[relation.skill_id].append(relation.occupation_label)
        profiles[relation.occupation_id].append(relation.skill_id)
    pairs = skill_pairs(skills, roles) + combination_pairs(skills, profiles) + occupation_pairs(occupations)
    return pairs, _data_fingerprint(hashes)


def expected_identity(data: str, recipe: TuningRecipe = TUNING_RECIPE) -> str:
    """The identity a model tuned now would get (see ``fine_tune``)."""
    return hashlib.sha256(f"{model_fingerprint()}|{recipe.digest()}|{data}".encode()).hexdigest()[:16]


def tune(
    engine: Engine,
    models_dir: Path,
    *,
    recipe: TuningRecipe = TUNING_RECIPE,
    force: bool = False,
    progress: Callable[[int, float], None] | None = None,
) -> tuple[TuningArtifact, bool]:
    """Fine-tune unless a model for this data and recipe exists; return it and whether it was trained."""
    pairs, data = training_data(engine)
    if not pairs:
        raise ValueError("no training pairs: load ESCO first (credpath ingest esco DIR or ingest default)")
    existing = read_tuning(models_dir)
    if not force and existing is not None and existing.identity == expected_identity(data, recipe):
        log.info("tuned encoder %s is current (%d pairs, %d steps)", existing.identity, existing.pairs, existing.steps)
        return existing, False
    log.info("fine-tuning the encoder on %d pairs for %d steps of %d", len(pairs), recipe.steps, recipe.batch_size)
    artifact = fine_tune(
        pairs,
        bundled_model_dir(),
        tuned_model_dir(models_dir),
        recipe=recipe,
        base=model_fingerprint(),
        data=data,
        progress=progress,
    )
    return artifact, True
