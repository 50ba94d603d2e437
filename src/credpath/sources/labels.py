"""Small text helpers shared by the source readers: multi-valued cells and search keys."""

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["search_text", "slugify", "split_multi"]

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def split_multi(cell: str, separator: str = "\n") -> list[str]:
    r"""Split a multi-valued cell, trimming and de-duplicating while keeping the published order.

    Example:
        >>> split_multi("a\n b\n\na")
        ['a', 'b']
    """
    seen: dict[str, None] = {}
    for part in cell.split(separator):
        value = part.strip()
        if value and value not in seen:
            seen[value] = None
    return list(seen)


def search_text(labels: Iterable[str]) -> str:
    """Lower-cased labels, one per line: the column lexical search scans with ``LIKE``."""
    return "\n".join(dict.fromkeys(label.casefold() for label in labels if label))


def slugify(text: str) -> str:
    """ASCII slug for stable ids: ``"Google Data Analytics"`` → ``"google-data-analytics"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_RE.sub("-", ascii_text.lower()).strip("-")
