"""Contrastive fine-tuning of MiniLM on (query, item text) pairs, on CPU.

The recipe is sentence-transformers' MultipleNegativesRankingLoss written out in plain torch: each
batch holds distinct positives, and every other positive in the batch is a negative for a query.
A batch never holds the same positive twice (that would teach the model to push a text away from
itself). The result is saved as a sentence-transformers folder next to a frozen ``TuningArtifact``
describing how it was made; ``credpath.ml.export`` exports that folder to ONNX instead of the
bundled weights when it exists.
"""

import hashlib
import json
import logging
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["TUNED_DIR", "Pair", "TuningArtifact", "TuningRecipe", "fine_tune", "read_tuning", "tuned_model_dir"]

log = logging.getLogger(__name__)

TUNED_DIR = "tuned"


@dataclass(frozen=True, slots=True)
class Pair:
    """One training example: a query text and the text of the item it should retrieve."""

    query: str
    positive: str
    source: str


@dataclass(frozen=True, slots=True)
class TuningRecipe:
    """Hyper-parameters of one fine-tuning run (part of the tuned model's identity).

    A change to the training loop itself should also change a field here (or add one), so that
    models trained by the old loop are retrained rather than reused.
    """

    steps: int = 700
    batch_size: int = 64
    learning_rate: float = 3e-5
    warmup_fraction: float = 0.1
    # Logit scale of the in-batch softmax (sentence-transformers' default for cosine similarity).
    scale: float = 20.0
    # Training texts are short (labels, ad-like sentences, description leads): 64 tokens cover them.
    max_tokens: int = 64
    seed: int = 13

    def digest(self) -> str:
        """Stable hash of the recipe."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TuningArtifact:
    """What ``models/encoder/tuned/tuning.json`` records about a fine-tuned model."""

    base: str
    recipe: str
    data: str
    identity: str
    pairs: int
    steps: int
    final_loss: float
    seconds: float
    trained_at: str


def tuned_model_dir(models_dir: Path) -> Path:
    """Where the fine-tuned encoder lives."""
    return models_dir / "encoder" / TUNED_DIR


def read_tuning(models_dir: Path) -> TuningArtifact | None:
    """The recorded fine-tuned model, or None when there is none."""
    manifest = tuned_model_dir(models_dir) / "tuning.json"
    if not manifest.is_file():
        return None
    return TuningArtifact(**json.loads(manifest.read_text(encoding="utf-8")))


def _length_bucket(text: str) -> int:
    # A batch costs as much as its longest text (padding). Batching queries of similar length keeps a
    # step near the cost of a typical text instead of a description's.
    return min(len(text) // 40, 4)


def _pack(pairs: Sequence[Pair], size: int) -> tuple[list[list[Pair]], list[list[Pair]]]:
    """Greedy packing into batches with distinct positives and queries: (full batches, partial ones)."""
    full: list[list[Pair]] = []
    pending: list[list[Pair]] = []
    seen: list[set[str]] = []
    for pair in pairs:
        # First open batch that does not already hold this positive (or this query).
        position = next(
            (i for i, keys in enumerate(seen) if pair.positive not in keys and pair.query not in keys), len(pending)
        )
        if position == len(pending):
            pending.append([])
            seen.append(set())
        pending[position].append(pair)
        seen[position].update((pair.positive, pair.query))
        # Only the batch just added to can have filled up.
        if len(pending[position]) == size:
            full.append(pending.pop(position))
            seen.pop(position)
    return full, pending


def _batches(pairs: Sequence[Pair], recipe: TuningRecipe, rng: random.Random) -> list[list[Pair]]:
    """``recipe.steps`` batches drawn in shuffled epochs: distinct positives and queries, similar lengths."""
    buckets: dict[int, list[Pair]] = {}
    for pair in pairs:
        buckets.setdefault(_length_bucket(pair.query), []).append(pair)
    out: list[list[Pair]] = []
    while len(out) < recipe.steps:
        epoch: list[list[Pair]] = []
        partial: list[list[Pair]] = []
        for key in sorted(buckets):
            rng.shuffle(buckets[key])
            full, rest = _pack(buckets[key], recipe.batch_size)
            epoch.extend(full)
            partial.extend(rest)
        # Fewer pairs than one batch: train on what there is.
        epoch = epoch or partial
        rng.shuffle(epoch)
        out.extend(epoch)
    return out[: recipe.steps]


def fine_tune(
    pairs: Sequence[Pair],
    base_dir: Path,
    target: Path,
    *,
    recipe: TuningRecipe,
    base: str,
    data: str,
    progress: Callable[[int, float], None] | None = None,
) -> TuningArtifact:
    """Fine-tune the model at ``base_dir`` on ``pairs`` and save it to ``target`` (replaced atomically).

    Args:
        pairs: training pairs; positives are item texts (e.g. a skill's preferred label).
        base_dir: sentence-transformers folder of the starting weights.
        target: output folder.
        recipe: hyper-parameters.
        base: identity of the starting weights (recorded).
        data: fingerprint of the data the pairs came from (recorded).
        progress: called after every step with (step, loss).
    """
    import torch
    from sentence_transformers import SentenceTransformer

    if not pairs:
        raise ValueError("no training pairs")
    started = time.perf_counter()
    rng = random.Random(recipe.seed)  # noqa: S311 - reproducible sampling, not security
    torch.manual_seed(recipe.seed)
    model = SentenceTransformer(str(base_dir), device="cpu")
    model.max_seq_length = recipe.max_tokens
    model.train()
    batches = _batches(pairs, recipe, rng)
    optimiser = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate)
    warmup = max(1, int(recipe.warmup_fraction * len(batches)))

    def factor(step: int) -> float:
        # Linear warm-up, then linear decay to zero (the sentence-transformers default schedule).
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (len(batches) - step) / max(1, len(batches) - warmup))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)

    def embed(texts: list[str]) -> torch.Tensor:
        features = model.tokenizer(
            texts, padding=True, truncation=True, max_length=recipe.max_tokens, return_tensors="pt"
        )
        output = model(dict(features))
        return torch.nn.functional.normalize(output["sentence_embedding"], dim=-1)

    loss_value = float("nan")
    for step, batch in enumerate(batches):
        queries = embed([p.query for p in batch])
        positives = embed([p.positive for p in batch])
        logits = recipe.scale * queries @ positives.T
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        # Smoothed for the log: single batches are noisy.
        current = float(loss.detach())
        loss_value = current if step == 0 else 0.95 * loss_value + 0.05 * current
        if progress is not None:
            progress(step + 1, loss_value)
    model.eval()
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save(str(staging))
    identity = hashlib.sha256(f"{base}|{recipe.digest()}|{data}".encode()).hexdigest()[:16]
    artifact = TuningArtifact(
        base=base,
        recipe=recipe.digest(),
        data=data,
        identity=identity,
        pairs=len(pairs),
        steps=len(batches),
        final_loss=round(loss_value, 4),
        seconds=round(time.perf_counter() - started, 1),
        trained_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    (staging / "tuning.json").write_text(json.dumps(asdict(artifact), indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    log.info(
        "fine-tuned %s on %d pairs in %d steps (%.0fs), final loss %.3f",
        base,
        len(pairs),
        len(batches),
        artifact.seconds,
        loss_value,
    )
    return artifact
