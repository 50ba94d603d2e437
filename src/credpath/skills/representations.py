"""What credpath embeds for each skill, occupation and credential, and how much each vector counts.

Measured choices (``credpath eval``, README): a skill is represented by its preferred label and every
alternative label (one vector each, the item scores its best match), plus its description at a
slightly lower weight so that a long sentence can match what a skill *is* rather than what it is
called, plus the software products O*NET files under a matching technology commodity. Occupations
use every ESCO label and every O*NET title and alternate title. Credentials use
their title with their published tags, and their description when it is trustworthy.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "REPRESENTATION_VERSION",
    "WEIGHTS",
    "ItemText",
    "credential_texts",
    "occupation_texts",
    "skill_texts",
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
