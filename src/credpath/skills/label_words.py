"""The words of each item's labels, for a lexical signal beside the dense score.

A sentence embedding reads a whole clause; a rare word the clause shares with a skill's labels ("forklift",
"payroll", "stock control") can drown in it. Word TF-IDF over each item's labels (preferred and alternative,
joined into one document per item) scores how much of a text's rarer words an item's labels hold, and the
linker adds a small share of that cosine to an item's score when it ranks a longer text (``skills.linking``).
scikit-learn's ``TfidfVectorizer`` does the weighting (maintained, already a dependency; character n-grams
were measured on label → skill and did not help, see PERFORMANCE_NOTES): sublinear term frequency,
English stop words dropped, words of three characters or more, a letter then letters, digits, ``+`` or ``#``
("C++", "ISO"). Two-character acronyms are left to the name lexicon and the encoder: as a word, the "ML" of
"ML engineering" pulled *ML (computer programming)* past *machine learning* in a learner's text.

Like the name lexicon, it is built from the labels the index itself embeds, found by content hash, so a label
held out of an evaluation index is not a word of its item there either.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from credpath.ml.index import text_hashes

__all__ = ["LabelWords"]

_WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9+#]{2,}"


class LabelWords:
    """Word TF-IDF documents, one per item of an index, and the cosine of a text's words to them.

    Example:
        >>> words = LabelWords(["operate forklift ; forklift driving", "issue licences", ""])
        >>> [round(float(s), 2) for s in words.scores("forklift licence", np.array([0, 1, 2]))]
        [0.77, 0.0, 0.0]
    """

    def __init__(self, documents: Sequence[str]) -> None:
        self._vectorizer = TfidfVectorizer(
            lowercase=True, stop_words="english", sublinear_tf=True, token_pattern=_WORD_PATTERN
        )
        self.size = sum(1 for d in documents if d.strip())
        # An index with no labels at all (a test fixture) has nothing to fit: every score is 0.
        # A scipy CSR matrix (scikit-learn's own dependency): rows are items.
        self._documents: Any = self._vectorizer.fit_transform(documents).tocsr() if self.size else None

    @classmethod
    def from_index(
        cls, labels: Iterable[str], hashes: npt.NDArray[np.uint64], owners: npt.NDArray[np.int64]
    ) -> "LabelWords":
        """One document per item: the labels among ``labels`` that the index embeds, found by content hash.

        Args:
            labels: every item's labels; a label the index does not hold is left out, and one the index
                embeds for several items goes to each of them.
            hashes: the index's per-vector content hashes (``VectorIndex.hashes``).
            owners: the item position of each vector (``VectorIndex.owners``).
        """
        items_by_hash: dict[int, set[int]] = {}
        for digest, owner in zip(hashes.tolist(), owners.tolist(), strict=True):
            items_by_hash.setdefault(int(digest), set()).add(int(owner))
        texts = list(dict.fromkeys(" ".join(label.split()) for label in labels))
        size = int(owners.max()) + 1 if len(owners) else 0
        documents: list[list[str]] = [[] for _ in range(size)]
        for text, digest in zip(texts, text_hashes(texts).tolist(), strict=True):
            for item in sorted(items_by_hash.get(int(digest), ())):
                documents[item].append(text)
        return cls([" ; ".join(parts) for parts in documents])

    def __len__(self) -> int:
        return self.size

    def scores(self, text: str, items: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Cosine between the words of ``text`` and each of ``items``' documents (0 where nothing is shared)."""
        if self._documents is None or not len(items):
            return np.zeros(len(items), dtype=np.float32)
        query = self._vectorizer.transform([text])
        return np.asarray((self._documents[items] @ query.T).toarray().ravel(), dtype=np.float32)
