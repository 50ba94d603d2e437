"""Where each embedding index lives and whether it still matches the database.

Shared by the request path (health, loading the indexes at start-up) and the build pipeline (which
skips an index whose fingerprint is unchanged), so it sits beside both rather than in either: it
reads the database through ``storage`` and the manifests through ``ml.index``, and imports neither
``services`` nor ``pipeline``.
"""

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlmodel import Session

from credpath.ml.encoder import ENCODING_VERSION
from credpath.ml.export import encoder_weights
from credpath.ml.index import VectorIndex
from credpath.skills.label_words import LabelWords
from credpath.skills.lexicon import NameLexicon, prose_words
from credpath.skills.representations import REPRESENTATION_VERSION, STRAY_MARGIN, STRAY_WEIGHT, WEIGHTS
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.repositories import index_rows
from credpath.vocabulary import IndexStatus

__all__ = ["INDEX_NAMES", "index_dir", "index_state", "label_words", "name_lexicon", "source_fingerprint"]

INDEX_NAMES = ("skills", "occupations", "credentials")


def index_dir(models_dir: Path, name: str) -> Path:
    """Where index ``name`` lives.

    Example:
        >>> index_dir(Path("models"), "skills").as_posix()
        'models/indexes/skills'
    """
    return models_dir / "indexes" / name


def source_fingerprint(session: Session, name: str, models_dir: Path) -> str:
    """Hash of everything an index is derived from: data versions, representation, weights and model."""
    hashes = dataset_repo.dataset_hashes(session)
    parts = [
        name,
        REPRESENTATION_VERSION,
        ENCODING_VERSION,
        repr(sorted(WEIGHTS.items())),
        encoder_weights(models_dir)[1],
    ]
    if name == "skills":
        # O*NET too: its technology examples become product names of skills.
        parts += [hashes.get("esco", ""), hashes.get("onet", "")]
    elif name == "occupations":
        parts += [hashes.get("esco", ""), hashes.get("onet", ""), f"stray:{STRAY_MARGIN}:{STRAY_WEIGHT}"]
    elif name == "credentials":
        # Credentials change one by one (catalogue refreshes, portal edits): hash their content hashes.
        # Only ids and hashes: health checks call this on every request, so it must stay cheap.
        parts += [f"{credential}:{digest}" for credential, digest in index_rows.credential_content_hashes(session)]
    else:
        raise ValueError(f"unknown index {name!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def index_state(session: Session, models_dir: Path, name: str) -> IndexStatus:
    """``absent``, ``stale`` or ``ready``."""
    manifest = VectorIndex.read_manifest(index_dir(models_dir, name))
    if manifest is None:
        return IndexStatus.ABSENT
    if manifest.source_hash == source_fingerprint(session, name, models_dir):
        return IndexStatus.READY
    return IndexStatus.STALE


def name_lexicon(
    session: Session,
    name: str,
    hashes: npt.NDArray[np.uint64],
    owners: npt.NDArray[np.int64],
    *,
    min_words: int | None = None,
    rows: tuple[Sequence[index_rows.SkillText], Sequence[index_rows.OccupationText]] | None = None,
) -> NameLexicon:
    """The verbatim names (labels, product names) of index ``name``, tied to its vectors by content hash.

    Args:
        session: the database the index was built from.
        name: ``skills`` or ``occupations``.
        hashes: the index's per-vector content hashes.
        owners: the index's per-vector item positions.
        min_words: also count lower-case labels of this many words as names (see ``skills.lexicon.is_name``).
        rows: the skill and occupation text rows when the caller has read them already.
    """
    skill_rows, occupation_rows = rows or (
        index_rows.skill_text_rows(session),
        index_rows.occupation_text_rows(session),
    )
    # Lower-case words of the taxonomy's prose (skill descriptions, occupation labels): a one-word name that
    # is also one of them ("Chef", "Salt") is an ordinary word too, and left to the encoder.
    prose = prose_words(
        [*(row["description"] or "" for row in skill_rows), *(row["preferred_label"] for row in occupation_rows)]
    )
    if name == "skills":
        texts = [label for row in skill_rows for label in (row["preferred_label"], *row["alt_labels"])]
        texts += [product for products in index_rows.technology_products(session).values() for product in products]
    elif name == "occupations":
        texts = [label for row in occupation_rows for label in (row["preferred_label"], *row["alt_labels"])]
    else:
        raise ValueError(f"no name lexicon for index {name!r}")
    return NameLexicon.from_index(texts, hashes, owners, common_words=prose, min_words=min_words)


def label_words(
    session: Session,
    hashes: npt.NDArray[np.uint64],
    owners: npt.NDArray[np.int64],
    *,
    rows: Sequence[index_rows.SkillText] | None = None,
) -> LabelWords:
    """The words of every skill's labels (preferred and alternative) that the skills index embeds.

    Args:
        session: the database the index was built from.
        hashes: the index's per-vector content hashes.
        owners: the index's per-vector item positions.
        rows: the skill text rows when the caller has read them already.
    """
    skill_rows = rows if rows is not None else index_rows.skill_text_rows(session)
    labels = [label for row in skill_rows for label in (row["preferred_label"], *row["alt_labels"])]
    return LabelWords.from_index(labels, hashes, owners)
