"""Building the embedding indexes from the database: reuse every vector whose text is unchanged.

``credpath build-index`` (and ``make run``) call :func:`build_index` for each; an index whose manifest
fingerprint matches the database is left alone, a stale one is rebuilt, and on rebuild only texts
that are new or edited are encoded (vectors are keyed by a hash of their text).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session
from tqdm import tqdm

from credpath.indexes import index_dir, source_fingerprint
from credpath.ml.encoder import ENCODING_VERSION, Encoder
from credpath.ml.export import encoder_weights
from credpath.ml.index import IndexManifest, VectorIndex, text_hashes
from credpath.skills.products import link_products
from credpath.skills.representations import (
    REPRESENTATION_VERSION,
    WEIGHTS,
    ItemText,
    credential_texts,
    occupation_texts,
    skill_texts,
    stray_title_weights,
)
from credpath.storage.repositories import index_rows
from credpath.vocabulary import is_esco_id

__all__ = ["IndexBuildReport", "build_index", "index_texts"]

log = logging.getLogger(__name__)

# Large label sets get an HNSW graph so one query costs well under a millisecond instead of ~10 ms of
# exact matrix product; the small credential index stays exact.
_ANN_INDEXES = frozenset({"skills", "occupations"})
_ENCODE_CHUNK = 1024


@dataclass(frozen=True, slots=True)
class IndexBuildReport:
    """What building one index did."""

    name: str
    status: str
    n_items: int
    n_vectors: int
    embedded: int
    reused: int
    seconds: float

    def summary(self) -> str:
        """One log line."""
        return (
            f"index {self.name} {self.status} in {self.seconds:.1f}s: {self.n_items} items, {self.n_vectors} vectors "
            f"({self.embedded} embedded, {self.reused} reused)"
        )


def index_texts(session: Session, name: str, encoder: Encoder) -> list[ItemText]:
    """Every text index ``name`` embeds, grouped by item in item order.

    The skills index also carries software product names linked through O*NET's technology
    commodities; the links are computed with ``encoder`` (see ``skills.products``).
    """
    if name == "skills":
        rows = index_rows.skill_text_rows(session)
        commodities = index_rows.technology_products(session)
        products = link_products(commodities, [(r["id"], r["preferred_label"]) for r in rows], encoder)
        return skill_texts(rows, products=products)
    if name == "occupations":
        return occupation_texts(index_rows.occupation_text_rows(session))
    if name == "credentials":
        return credential_texts(index_rows.credential_text_rows(session))
    raise ValueError(f"unknown index {name!r}")


def _previous_vectors(directory: Path, backend: str, encoder_id: str) -> dict[int, np.ndarray]:
    """Vectors of the index already on disk, by text hash, when they came from the same model and backend."""
    manifest = VectorIndex.read_manifest(directory)
    if (
        manifest is None
        or manifest.encoder != encoder_id
        or manifest.backend != backend
        or manifest.extra.get("encoding") != ENCODING_VERSION
    ):
        return {}
    old = VectorIndex.load(directory, mmap=True, with_ann=False)
    return {int(h): old.vectors[row] for row, h in enumerate(old.hashes)}


def _encode_missing(encoder: Encoder, texts: Sequence[str], show_progress: bool, label: str) -> tuple[np.ndarray, int]:
    vectors = np.empty((len(texts), encoder.dim), dtype=np.float32)
    with tqdm(total=len(texts), desc=f"embed {label}", unit="text", disable=not show_progress, leave=False) as bar:
        for start in range(0, len(texts), _ENCODE_CHUNK):
            chunk = texts[start : start + _ENCODE_CHUNK]
            vectors[start : start + len(chunk)] = encoder.encode(chunk)
            bar.update(len(chunk))
    return vectors, len(texts)


def build_index(
    engine: Engine,
    models_dir: Path,
    name: str,
    encoder: Encoder,
    *,
    force: bool = False,
    ann: bool | None = None,
    show_progress: bool = False,
    select: Callable[[list[ItemText]], list[ItemText]] | None = None,
) -> IndexBuildReport:
    """Build (or confirm) one index.

    Args:
        engine: database holding the loaded data.
        models_dir: artifacts root; the index goes to ``models_dir/indexes/<name>``.
        name: ``skills``, ``occupations`` or ``credentials``.
        encoder: the encoder (its backend is recorded; vectors are reused only from the same backend).
        force: rebuild even when the manifest matches the database.
        ann: build an HNSW graph (default: for skills and occupations).
        show_progress: progress bar on stderr.
        select: optional filter over the texts (evaluation builds ablations with it).

    Returns:
        A report: ``fresh`` (nothing to do) or ``built``, with how many texts were embedded vs reused.
    """
    started = time.perf_counter()
    directory = index_dir(models_dir, name)
    with Session(engine) as session:
        fingerprint = source_fingerprint(session, name, models_dir)
    current = VectorIndex.read_manifest(directory)
    if not force and select is None and current is not None and current.source_hash == fingerprint:
        report = IndexBuildReport(
            name, "fresh", current.n_items, current.n_vectors, 0, 0, time.perf_counter() - started
        )
        log.info("%s", report.summary())
        return report
    with Session(engine) as session:
        texts = index_texts(session, name, encoder)
    if select is not None:
        texts = select(texts)
    if not texts:
        raise ValueError(f"nothing to index for {name!r}: load data first (credpath ingest default)")

    hashes = text_hashes([t.text for t in texts])
    weights_id = encoder_weights(models_dir)[1]
    previous = _previous_vectors(directory, encoder.backend, weights_id)
    vectors = np.empty((len(texts), encoder.dim), dtype=np.float32)
    missing_rows = [row for row, h in enumerate(hashes) if int(h) not in previous]
    for row, h in enumerate(hashes):
        if int(h) in previous:
            vectors[row] = previous[int(h)]
    unique_missing: dict[str, list[int]] = {}
    for row in missing_rows:
        unique_missing.setdefault(texts[row].text, []).append(row)
    fresh, embedded = _encode_missing(encoder, list(unique_missing), show_progress, name)
    for vector, rows in zip(fresh, unique_missing.values(), strict=True):
        vectors[rows] = vector

    item_ids = list(dict.fromkeys(t.item_id for t in texts))
    positions = {item: i for i, item in enumerate(item_ids)}
    owners = np.array([positions[t.item_id] for t in texts], dtype=np.int64)
    weights = np.array([t.weight for t in texts], dtype=np.float32)
    if name == "occupations":
        weights = stray_title_weights(texts, vectors, weights, in_scope=is_esco_id)
        log.info(
            "occupations: %d alternative titles read as another occupation's",
            int((weights < WEIGHTS["alternate_title"]).sum()),
        )
    use_ann = (name in _ANN_INDEXES) if ann is None else ann
    manifest = IndexManifest(
        name=name,
        encoder=weights_id,
        backend=encoder.backend,
        dim=encoder.dim,
        n_items=len(item_ids),
        n_vectors=len(texts),
        source_hash=fingerprint if select is None else f"partial:{fingerprint}",
        texts_hash=hashlib.sha256(hashes.tobytes() + weights.tobytes()).hexdigest(),
        ann="hnsw" if use_ann else None,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        extra={
            "representation": REPRESENTATION_VERSION,
            "encoding": ENCODING_VERSION,
            "kinds": sorted({t.kind for t in texts}),
        },
    )
    index = VectorIndex(item_ids, vectors, owners, weights, hashes, manifest)
    if use_ann:
        index.build_ann()
    index.save(directory)
    report = IndexBuildReport(
        name,
        "built",
        len(item_ids),
        len(texts),
        embedded,
        len(texts) - len(missing_rows),
        time.perf_counter() - started,
    )
    log.info("%s", report.summary())
    return report
