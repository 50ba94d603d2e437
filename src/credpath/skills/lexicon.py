"""Exact mentions of taxonomy names in free text: an Aho-Corasick automaton over labels and product names.

A dense encoder blurs exact names: in "You will write SQL queries and build dashboards in Tableau" the
clause "build dashboards in Tableau" is about dashboards, and *Tableau* (an O*NET product name of
*business intelligence*) never gets a phrase of its own. :class:`NameLexicon` finds every verbatim
mention of a *name* — a label or product name that is a technology, tool, licence or other proper name
— in one pass over the text (``pyahocorasick``, a maintained C automaton: all of the 100,000-odd
names in microseconds per sentence), and the linker then treats each mention as one more phrase
(``skills.linking``), scored densely like the others.

What counts as a name, and when a mention counts (rules, so that names read right in ads):

- a label is a *name* when it holds an upper-case letter, a digit or one of ``+#.`` ("SQL",
  "Python", "C++", "Microsoft Excel", "ISO 9001"); lower-case labels ("sales", "manage a team") are
  left to the encoder, which already matches them well (measured: README, "Exact names");
- a one-word name that is also an ordinary lower-case word of the taxonomy's own prose ("Chef", "Salt",
  "Puppet", "Go": configuration tools and a language in ESCO, but "Chef de Partie" in a kitchen ad) is
  not a name either: the encoder, reading the context, decides;
- a mention must start and end at word boundaries;
- names of at most three characters and all-capital names match only with the same capitals ("R",
  "SQL", "AWS"); longer ones match in any case ("tableau", "PYTHON").
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
import numpy as np
import numpy.typing as npt

from credpath.ml.index import text_hashes

__all__ = ["NameLexicon", "NameMention", "is_name", "prose_words"]

# Characters that continue a word for boundary checks ("C" is not mentioned in "C#" or "C++").
_WORD_CHARS = frozenset("+#_")
_NAME_MARK = re.compile(r"[A-Z0-9+#]|\w\.\w")
_WORD = re.compile(r"[A-Za-z]+")


def is_name(label: str, min_words: int | None = None) -> bool:
    """Whether ``label`` is a name worth matching verbatim (see the module docstring).

    Args:
        label: a label or product name.
        min_words: also count lower-case labels of at least this many words (off by default).

    Example:
        >>> [is_name(x) for x in ("SQL", "Tableau", "C++", "forklift licence", "sales")]
        [True, True, True, False, False]
    """
    return bool(_NAME_MARK.search(label)) or (min_words is not None and len(label.split()) >= min_words)


@dataclass(frozen=True, slots=True)
class NameMention:
    """A verbatim mention of a name: where it is, the index vectors (rows) that embed that name, their items."""

    start: int
    end: int
    name: str
    rows: tuple[int, ...]
    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    rows: tuple[int, ...]
    items: tuple[int, ...]
    exact_case: bool


def _lower(text: str) -> str:
    """Lower-case text of the same length, so offsets into the original text stay valid."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in _WORD_CHARS


class NameLexicon:
    """Verbatim name mentions, each tied to the index vectors embedding that name.

    Args:
        names: ``(name, vector rows, item positions)``; a name several items hold has all their rows and items.
        common_words: lower-case words of ordinary prose (the taxonomy's own labels and descriptions);
            a one-word name among them is left out.

    Example:
        >>> names = [("SQL", (0,), (0,)), ("Tableau", (3,), (1,)), ("Excel", (5,), (2,))]
        >>> lexicon = NameLexicon(names, common_words={"excel"})
        >>> [(m.name, m.items) for m in lexicon.find("Excel in SQL, sql and tableau")]
        [('SQL', (0,)), ('Tableau', (1,))]
    """

    def __init__(
        self, names: Iterable[tuple[str, tuple[int, ...], tuple[int, ...]]], common_words: Iterable[str] = ()
    ) -> None:
        common = frozenset(common_words)
        grouped: dict[str, dict[str, tuple[set[int], set[int]]]] = {}
        for name, rows, items in names:
            text = " ".join(name.split())
            if text and not (" " not in text and _lower(text) in common):
                held = grouped.setdefault(_lower(text), {}).setdefault(text, (set(), set()))
                held[0].update(rows)
                held[1].update(items)
        self._automaton = ahocorasick.Automaton()
        for key, spellings in grouped.items():
            entries = []
            for spelling, (held_rows, held_items) in spellings.items():
                exact_case = len(spelling) <= 3 or (spelling.isupper() and any(c.isalpha() for c in spelling))
                entries.append(_Entry(spelling, tuple(sorted(held_rows)), tuple(sorted(held_items)), exact_case))
            self._automaton.add_word(key, (len(key), tuple(entries)))
        self.size = len(grouped)
        if self.size:
            self._automaton.make_automaton()

    @classmethod
    def from_index(
        cls,
        texts: Iterable[str],
        hashes: npt.NDArray[np.uint64],
        owners: npt.NDArray[np.int64],
        *,
        common_words: Iterable[str] = (),
        min_words: int | None = None,
    ) -> "NameLexicon":
        """Names among ``texts`` that an index embeds, found by content hash (the index's own key).

        Args:
            texts: candidate names (labels, product names); those the index does not hold are ignored.
            hashes: the index's per-vector content hashes (``VectorIndex.hashes``).
            owners: the item position of each vector (``VectorIndex.owners``).
            common_words: see the class.
            min_words: see :func:`is_name`.
        """
        rows_by_hash: dict[int, list[int]] = {}
        for row, digest in enumerate(hashes.tolist()):
            rows_by_hash.setdefault(int(digest), []).append(row)
        candidates = list(dict.fromkeys(" ".join(t.split()) for t in texts if is_name(t, min_words)))
        pairs = []
        for text, digest in zip(candidates, text_hashes(candidates).tolist(), strict=True):
            rows = rows_by_hash.get(int(digest))
            if rows:
                pairs.append((text, tuple(rows), tuple(sorted({int(owners[row]) for row in rows}))))
        return cls(pairs, common_words)

    def __len__(self) -> int:
        return self.size

    def find(self, text: str) -> list[NameMention]:
        """Every mention in ``text``, longest first where two overlap, in text order."""
        if not self.size or not text:
            return []
        lowered = _lower(text)
        found: list[NameMention] = []
        for end_index, (length, entries) in self._automaton.iter(lowered):
            start, end = end_index - length + 1, end_index + 1
            if (start > 0 and _is_word_char(text[start - 1])) or (end < len(text) and _is_word_char(text[end])):
                continue
            surface = text[start:end]
            for entry in entries:
                if entry.exact_case and surface != entry.name:
                    continue
                found.append(NameMention(start, end, entry.name, entry.rows, entry.items))
                break
        # Keep the longest of overlapping mentions ("SQL Server" over "SQL"), then read them in order.
        kept: list[NameMention] = []
        for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return sorted(kept, key=lambda m: m.start)


def prose_words(texts: Iterable[str]) -> set[str]:
    """Lower-case words as prose writes them (e.g. in descriptions): what a capitalised name may collide with.

    Example:
        >>> sorted(prose_words(["Season the salt water.", "Use Python"]))
        ['salt', 'the', 'water']
    """
    out: set[str] = set()
    for text in texts:
        out.update(word for word in _WORD.findall(text) if word.islower())
    return out
