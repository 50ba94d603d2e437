"""Linking free text to taxonomy items: rank every skill for a text, and extract skill mentions.

A sentence usually names several skills, and a whole-sentence embedding blurs them together. So a
longer text is also cut into *phrases* (clauses split at list separators and conjunctions, with
requirement boilerplate such as "experience with" stripped), every phrase is embedded, and an item's
score is the best of the whole-text score and its phrases' scores (phrases discounted slightly so a
good whole-text match still wins ties). Candidates come from the index's approximate search per
phrase; every candidate is then re-scored exactly.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from credpath.ml.encoder import Encoder
from credpath.ml.index import VectorIndex

__all__ = ["LinkerConfig", "Mention", "Span", "TextLinker", "phrases", "split_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|[\n\r]+|\s*[•▪●◦■\u2022]\s*|(?<=;)\s+")
_PHRASE_SPLIT = re.compile(
    r"\s*(?:[,;:()\[\]/|]|\s-\s|\band/or\b|\band\b|\bor\b|\bas well as\b|\bincluding\b|\bsuch as\b|\be\.g\.|\bplus\b"
    r"|\bwhile\b|\bwhich\b|\bwhere\b|\bwho\b)\s*",
    re.IGNORECASE,
)
# Requirement boilerplate at the start of a phrase: it carries no skill, only the need for one.
_LEADING_FLUFF = re.compile(
    r"^(?:(?:you\s+(?:will|must|should|have|are)|we\s+(?:need|expect|require)|must\s+have|must\s+be|should\s+have"
    r"|(?:strong|solid|good|proven|excellent|demonstrable|hands-on|working|sound|basic|advanced|deep|extensive)"
    r"|(?:experience|knowledge|understanding|proficiency|familiarity|expertise|skills?|ability|background)"
    r"|(?:in|with|of|to|at|on|for|the|a|an|be|is|are|being|able|proficient|experienced|familiar|fluent"
    r"|responsible|required|preferred|desirable|essential|plus|ideally|including|using|years?|\d+\+?)"
    r")\b[\s,]*)+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-']*")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the input text, with its character offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """An item found in a text: where, and how sure."""

    item: int
    score: float
    sentence: Span
    phrase: Span


@dataclass(frozen=True, slots=True)
class LinkerConfig:
    """Tuning of the linker (values measured by ``credpath eval``; see README)."""

    # Texts with at most this many words are matched whole, without phrase candidates.
    short_words: int = 4
    # Phrase scores are multiplied by this before competing with the whole-text score.
    phrase_weight: float = 0.97
    # Candidate items taken from the approximate search of each query.
    candidates: int = 40
    # Phrases shorter than this many letters are dropped (stray words like "etc").
    min_phrase_letters: int = 3


def split_sentences(text: str) -> list[Span]:
    """Sentences and bullet items of a longer text, with offsets.

    Example:
        >>> [s.text for s in split_sentences("Know SQL. Use Excel!\\n• Drive a forklift")]
        ['Know SQL.', 'Use Excel!', 'Drive a forklift']
    """
    spans: list[Span] = []
    position = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        stripped = chunk.strip(" \t-*–—")
        if sum(c.isalpha() for c in stripped) >= 2:
            offset = position + chunk.find(stripped)
            spans.append(Span(offset, offset + len(stripped), stripped))
        position = match.end() if match else len(text)
    return spans


def phrases(sentence: Span, min_letters: int = 3) -> list[Span]:
    """Clauses and list items of a sentence, with leading requirement boilerplate removed.

    Example:
        >>> [p.text for p in phrases(Span(0, 52, "Strong experience with SQL and Power BI, ideally Tableau"))]
        ['SQL', 'Power BI', 'Tableau']
    """
    out: list[Span] = []
    position = 0
    text = sentence.text
    for match in [*_PHRASE_SPLIT.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end]
        core = _LEADING_FLUFF.sub("", piece.strip()).strip(" .!?;:,-")
        if sum(c.isalpha() for c in core) >= min_letters:
            offset = sentence.start + position + piece.find(core)
            out.append(Span(offset, offset + len(core), core))
        position = match.end() if match else len(text)
    return out


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


class TextLinker:
    """Ranks the items of one index for free text, and extracts mentions above a threshold.

    Args:
        encoder: the text encoder the index was built with.
        index: the items (skills or occupations).
        config: tuning.
    """

    def __init__(self, encoder: Encoder, index: VectorIndex, config: LinkerConfig | None = None) -> None:
        self.encoder = encoder
        self.index = index
        self.config = config or LinkerConfig()

    def _candidates(self, text: str, use_phrases: bool) -> list[str]:
        if not use_phrases or _word_count(text) <= self.config.short_words:
            return [text]
        found = [p.text for p in phrases(Span(0, len(text), text), self.config.min_phrase_letters)]
        return [text, *dict.fromkeys(p for p in found if p != text)]

    def _fuse(
        self,
        vectors: npt.NDArray[np.float32],
        k: int,
        allowed: npt.NDArray[np.bool_] | None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Best score per candidate item over the whole text (row 0) and its phrases (rows 1..)."""
        found = self.index.search(vectors, max(k, self.config.candidates), allowed)
        items = np.unique(np.concatenate(found.positions)) if found.positions else np.zeros(0, np.int64)
        scores = self.index.score_items(vectors, items)
        if len(vectors) > 1:
            scores[1:] *= self.config.phrase_weight
        best_row = scores.argmax(axis=0)
        fused = scores.max(axis=0)
        order = np.argsort(-fused, kind="stable")[:k]
        return items[order], fused[order], best_row[order]

    def rank(
        self,
        texts: Sequence[str],
        k: int,
        *,
        allowed: npt.NDArray[np.bool_] | None = None,
        use_phrases: bool = True,
    ) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]:
        """Top-``k`` item positions and scores for each text, best first."""
        candidate_lists = [self._candidates(text, use_phrases) for text in texts]
        flat = [c for candidates in candidate_lists for c in candidates]
        vectors = self.encoder.encode(flat)
        out = []
        start = 0
        for candidates in candidate_lists:
            block = vectors[start : start + len(candidates)]
            start += len(candidates)
            items, scores, _rows = self._fuse(block, k, allowed)
            out.append((items, scores))
        return out

    def extract(self, text: str, threshold: float, per_sentence: int = 5) -> list[Mention]:
        """Items mentioned in a longer text: per sentence, the best items scoring at least ``threshold``.

        Each item is reported once, at the sentence and phrase where it scored best.
        """
        sentences = split_sentences(text)
        units: list[tuple[Span, list[Span]]] = []
        for sentence in sentences:
            parts = phrases(sentence, self.config.min_phrase_letters) if _word_count(sentence.text) > self.config.short_words else []
            units.append((sentence, [sentence, *[p for p in parts if p.text != sentence.text]]))
        flat = [span.text for _, spans in units for span in spans]
        if not flat:
            return []
        vectors = self.encoder.encode(flat)
        best: dict[int, Mention] = {}
        start = 0
        for sentence, spans in units:
            block = vectors[start : start + len(spans)]
            start += len(spans)
            items, scores, rows = self._fuse(block, per_sentence, None)
            for item, score, row in zip(items, scores, rows, strict=True):
                if score < threshold:
                    break
                current = best.get(int(item))
                if current is None or score > current.score:
                    best[int(item)] = Mention(int(item), float(score), sentence, spans[int(row)])
        return sorted(best.values(), key=lambda m: (m.sentence.start, -m.score))
