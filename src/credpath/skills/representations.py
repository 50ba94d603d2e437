"""What credpath embeds for each skill, occupation and credential, and how much each vector counts.

Measured choices (``credpath eval``, README): a skill is represented by its preferred label and every
alternative label (one vector each, the item scores its best match), plus its description at a
slightly lower weight so that a long sentence can match what a skill *is* rather than what it is
called, plus the software products O*NET files under a matching technology commodity. Occupations
use every ESCO label and every O*NET title and alternate title. Credentials use
their title with their published tags, and their description when it is trustworthy.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "REPRESENTATION_VERSION",
    "STRAY_MARGIN",
    "STRAY_WEIGHT",
    "WEIGHTS",
    "ItemText",
    "credential_texts",
    "occupation_texts",
    "skill_texts",
    "stray_title_weights",
]

# Bump when the texts, the weights below or the linker's scoring change: it is part of every index's
# fingerprint, so a bump rebuilds the indexes (reusing vectors) and re-infers every credential's skills.
REPRESENTATION_VERSION = "5"

WEIGHTS: Mapping[str, float] = {
    "preferred": 1.0,
    # An exact alternative label is strong evidence, but when a text equals one skill's preferred label
    # and another's alternative label (ESCO lists "SQL" under "database management systems" too), the
    # skill that is *named* so should win.
    "alternative": 0.98,
    "description": 0.9,
    # A product name (O*NET technology example) names the skill less precisely than ESCO's own labels.
    "product": 0.9,
    "title": 1.0,
    "alternate_title": 0.98,
    "summary": 1.0,
}
# Many ESCO alternative labels read as another occupation ("user experience designer" is filed under
# *technical communicator*, "site manager" under *mine manager*). A label whose vector sits more than
# STRAY_MARGIN nearer another occupation's preferred label than its own counts STRAY_WEIGHT instead of
# 0.98, so a title typed that way reaches the occupation it names unless nothing else fits. Chosen on
# O*NET alternate titles → ESCO (margins 0-0.2, weights 0.85-0.95); checked on held-out labels and the
# vacancy titles (README, session 49).
STRAY_MARGIN = 0.1
STRAY_WEIGHT = 0.9
# Descriptions are cut to their first sentences: MiniLM was trained on <=128 tokens and the opening
# sentence carries the definition.
_DESCRIPTION_CHARS = 300


@dataclass(frozen=True, slots=True)
class ItemText:
    """One text to embed for one item."""

    item_id: str
    text: str
    kind: str

    @property
    def weight(self) -> float:
        """Multiplier on this vector's cosine when scoring its item."""
        return WEIGHTS[self.kind]


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        text = " ".join(value.split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())


def _lead(description: str) -> str:
    text = " ".join(description.split())
    if len(text) <= _DESCRIPTION_CHARS:
        return text
    cut = text[:_DESCRIPTION_CHARS]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 80 else cut.rsplit(" ", 1)[0]


def skill_texts(
    rows: Sequence[Mapping[str, Any]],
    *,
    descriptions: bool = True,
    products: Mapping[str, Sequence[str]] | None = None,
) -> list[ItemText]:
    """Texts for ESCO skills given rows with ``id``, ``preferred_label``, ``alt_labels``, ``description``.

    ``products`` (skill id → product names, see ``skills.products``) adds product names the skill's
    own labels do not already contain.
    """
    out: list[ItemText] = []
    for row in rows:
        labels = _unique([row["preferred_label"], *row["alt_labels"]])
        out.append(ItemText(row["id"], labels[0], "preferred"))
        out.extend(ItemText(row["id"], label, "alternative") for label in labels[1:])
        if descriptions and row.get("description"):
            out.append(ItemText(row["id"], _lead(row["description"]), "description"))
        if products and row["id"] in products:
            known = {label.casefold() for label in labels}
            names = [name for name in _unique(products[row["id"]]) if name.casefold() not in known]
            out.extend(ItemText(row["id"], name, "product") for name in names)
    return out


def occupation_texts(rows: Sequence[Mapping[str, Any]]) -> list[ItemText]:
    """Texts for occupations: ESCO preferred + alternative labels; O*NET title + alternate titles."""
    out: list[ItemText] = []
    for row in rows:
        labels = _unique([row["preferred_label"], *row["alt_labels"]])
        out.append(ItemText(row["id"], labels[0], "title"))
        out.extend(ItemText(row["id"], label, "alternate_title") for label in labels[1:])
    return out


def credential_texts(rows: Sequence[Mapping[str, Any]]) -> list[ItemText]:
    """Texts for credentials: ``title — tags`` and, when present, the description's lead."""
    out: list[ItemText] = []
    for row in rows:
        tags = ", ".join(row["skill_tags"][:12])
        out.append(ItemText(row["id"], f"{row['title']} — {tags}" if tags else row["title"], "summary"))
        if row.get("description"):
            out.append(ItemText(row["id"], _lead(row["description"]), "description"))
    return out


def stray_title_weights(
    texts: Sequence[ItemText],
    vectors: npt.NDArray[np.float32],
    weights: npt.NDArray[np.float32],
    *,
    in_scope: Callable[[str], bool],
    chunk: int = 4096,
) -> npt.NDArray[np.float32]:
    """``weights`` with STRAY_WEIGHT for alternative titles nearer another occupation's preferred title.

    Only items ``in_scope`` (ESCO occupations) are compared, with each other: O*NET alternate titles
    are job titles people use for that occupation and stay as they are. ``vectors`` are unit-length
    rows aligned with ``texts``.

    Example:
        >>> texts = [ItemText("a", "nurse", "title"), ItemText("a", "surgeon", "alternate_title"),
        ...          ItemText("b", "surgeon", "title")]
        >>> vectors = np.array([[1, 0], [0, 1], [0, 1]], dtype=np.float32)
        >>> weights = np.array([1, 0.98, 1], dtype=np.float32)
        >>> [round(float(w), 2) for w in stray_title_weights(texts, vectors, weights, in_scope=bool)]
        [1.0, 0.9, 1.0]
    """
    out = np.array(weights, dtype=np.float32, copy=True)
    titles = {t.item_id: row for row, t in enumerate(texts) if t.kind == "title" and in_scope(t.item_id)}
    if len(titles) < 2:
        return out
    owners = list(titles)
    column = {item: i for i, item in enumerate(owners)}
    anchors = vectors[[titles[item] for item in owners]]
    rows = [row for row, t in enumerate(texts) if t.kind == "alternate_title" and t.item_id in column]
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sims = vectors[part] @ anchors.T
        own = np.array([column[texts[row].item_id] for row in part])
        own_sim = sims[np.arange(len(part)), own]
        sims[np.arange(len(part)), own] = -np.inf
        stray = sims.max(axis=1) - own_sim > STRAY_MARGIN
        out[np.array(part)[stray]] = STRAY_WEIGHT
    return out
