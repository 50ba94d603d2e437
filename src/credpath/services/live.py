"""The semantic service now serving, and the check that swaps in a new index build without a restart.

Each replica loads the indexes once; ``credpath build-index`` (run anywhere that shares ``models/``)
writes a new generation whose manifest is written last. :meth:`LiveSemantic.refresh` compares the
manifests on disk with the ones loaded (a few small file reads, cheap enough to run every few
seconds), loads a complete new :class:`SemanticService` beside the old one and then swaps the single
reference. A request holds the service it started with, so it never mixes generations; requests
that start after the swap see the new one. A load that fails (a build still writing its files)
keeps the old generation and is retried at the next check.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from credpath.indexes import INDEX_NAMES, index_dir
from credpath.ml.index import VectorIndex
from credpath.services.semantic import SemanticService
from credpath.vocabulary import IndexStatus

__all__ = ["IndexInfo", "LiveSemantic", "SemanticState", "manifest_signature"]

log = logging.getLogger(__name__)

# name -> (built_at, texts_hash, source_hash) of the manifest on disk, or None when there is none
Signature = dict[str, tuple[str, str, str] | None]


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """One loaded index as an operator sees it."""

    generation: float
    ready: bool


@dataclass(frozen=True, slots=True)
class SemanticState:
    """What the serving replica has loaded (for metrics and readiness)."""

    indexes: dict[str, IndexInfo]
    encoder_backend: str
    encoder_name: str
    reloads: int


def manifest_signature(models_dir: Path) -> Signature:
    """What identifies each index build on disk: its manifest's build time and hashes."""
    signature: Signature = {}
    for name in INDEX_NAMES:
        try:
            manifest = VectorIndex.read_manifest(index_dir(models_dir, name))
        except (OSError, ValueError, TypeError):
            # A manifest being written reads as absent; the next check sees it whole.
            manifest = None
        signature[name] = None if manifest is None else (manifest.built_at, manifest.texts_hash, manifest.source_hash)
    return signature


def _epoch(built_at: str) -> float:
    try:
        return datetime.fromisoformat(built_at).timestamp()
    except ValueError:
        return 0.0


class LiveSemantic:
    """Holds the serving :class:`SemanticService` and replaces it when a new index build appears.

    Args:
        engine: the database the labels and index states are read from.
        models_dir: where the indexes live.
        loader: builds a service (``SemanticService.load`` with the configured backend).
    """

    def __init__(
        self, engine: Engine, models_dir: Path, loader: Callable[[Engine, Path], SemanticService] | None = None
    ) -> None:
        self._engine = engine
        self._models_dir = models_dir
        self._loader = loader or (lambda engine, models_dir: SemanticService.load(engine, models_dir))
        self._lock = threading.Lock()
        self._signature = manifest_signature(models_dir)
        self._rejected: Signature | None = None
        self.current = self._loader(engine, models_dir)
        self.reloads = 0

    def refresh(self) -> bool:
        """Load and swap in a new generation when the manifests on disk changed; return whether it did."""
        with self._lock:
            signature = manifest_signature(self._models_dir)
            if signature in (self._signature, self._rejected):
                return False
            if any(signature[name] is None for name, value in self._signature.items() if value is not None):
                return False  # a build is writing its files (the manifest comes back last)
            try:
                service = self._loader(self._engine, self._models_dir)
            except Exception:
                log.warning("a new index generation could not be loaded yet; still serving the old one", exc_info=True)
                return False
            # Only accept the new service if the build did not change again while it was loading.
            if manifest_signature(self._models_dir) != signature:
                return False
            if not set(self.current.indexes) <= set(service.indexes):
                # The new build does not match this database (yet): keep serving the generation we have.
                log.warning("new index build is not ready for this database; still serving the old one")
                self._rejected = signature
                return False
            self.current, self._signature = service, signature
            self.reloads += 1
            log.info("index generation loaded: %s", {name: value and value[0] for name, value in signature.items()})
            return True

    def state(self) -> SemanticState:
        """The loaded generation of each index and the encoder (for metrics)."""
        service = self.current
        signature = self._signature
        indexes = {
            name: IndexInfo(
                generation=_epoch(value[0]) if value is not None and name in service.indexes else 0.0,
                ready=service.states.get(name) == IndexStatus.READY and name in service.indexes,
            )
            for name, value in signature.items()
        }
        encoder = service.encoder
        return SemanticState(
            indexes=indexes,
            encoder_backend=str(encoder.backend),
            encoder_name=str(getattr(encoder, "name", "")),
            reloads=self.reloads,
        )

    def loaded_signature(self) -> Signature:
        """The manifests of the generation now serving."""
        return dict(self._signature)
