"""Linking free text to taxonomy items: rank every skill for a text, and extract skill mentions.

A sentence usually names several skills, and a whole-sentence embedding blurs them together. So a
longer text is also cut into *phrases* (clauses split at list separators and conjunctions, with
requirement boilerplate such as "experience with" stripped), every phrase is embedded, and an item's
score is a weighted mean of the whole-text score (0.7) and its best phrase's score, so an item must both fit
the text's context and be named by some part of it. Candidates come from the index's approximate search per
phrase; every candidate is then re-scored exactly.

With a :class:`~credpath.skills.lexicon.NameLexicon`, every verbatim mention of a name (a technology,
tool or standard: "SQL", "Tableau", "ISO 9001") is one more phrase, whose vector is the index's
own vector of that name (nothing more is encoded), so an exact name scores as if the text had been cut
around it. (Adding a fixed bonus to items named verbatim instead, or as well, gained less: README.)

With :class:`~credpath.skills.label_words.LabelWords`, ranking a text that is cut into phrases also adds
``LinkerConfig.word_weight`` x the cosine between the text's words and each candidate's labels' words
(TF-IDF): a rare word shared with a skill's labels counts even where the sentence's vector blurs it.
Extraction adds the same share of each sentence's words to its candidates' scores.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from credpath.errors import AbandonedError, LimitExceededError
from credpath.ml.encoder import Encoder
from credpath.ml.index import ItemIndex
from credpath.skills.boilerplate import BOILERPLATE_PROTOTYPES
from credpath.skills.label_words import LabelWords
from credpath.skills.lexicon import NameLexicon, NameMention

__all__ = [
    "ENCODE_CHUNK",
    "EXTRACTION_THRESHOLD",
    "EXTRACTION_THRESHOLD_WITHOUT_WORDS",
    "LinkerConfig",
    "Mention",
    "Span",
    "StopCheck",
    "TextLinker",
    "phrases",
    "split_sentences",
]

# Asked between chunks of encoding: has the caller (a client that disconnected) stopped wanting the answer?
StopCheck = Callable[[], bool]
# Texts encoded between two stop checks (about 0.1-0.5 s of CPU on one core).
ENCODE_CHUNK = 64
# Rows searched together: an exact search reads every vector of the index once per call, so the texts' and
# phrases' rows go in blocks rather than one call per text (run_evaluation on a 300 sample: 136 s -> 70 s,
# the same results).
_SEARCH_ROWS = 256
# Minimum score for an extracted mention, from the sweep on the hand-labelled job-ad sentences with the
# fine-tuned encoder (``credpath eval``; README): F1 peaks at 0.60 (0.462, precision 0.462, 3/20
# boilerplate sentences with output); 0.625 keeps precision 0.511 and recall 0.393 with 2/20 — abstaining
# beats a weak match. (The plain model's sweep peaked lower, at F1 0.420.) With verbatim names (issue 14) F1 at
# 0.625 rose on both hand-labelled sets and no boilerplate sentence gained output, so it stayed. Label words
# (session 52) add up to word_weight to every score: the threshold is the lowest at which precision on the first
# 100 + 20 sentences is no lower than it was at 0.625 without them (0.542 against 0.518, recall 0.445 against
# 0.428); on the 244 + 37 later ones precision 0.472 -> 0.493 and recall 0.367 -> 0.383, boilerplate output the same.
EXTRACTION_THRESHOLD = 0.65
# The threshold extraction had without label words, for the evaluation's ablation.
EXTRACTION_THRESHOLD_WITHOUT_WORDS = 0.625

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|[\n\r]+|\s*[•▪●◦■\u2022]\s*|(?<=;)\s+")
_PHRASE_SPLIT = re.compile(
    r"\s*(?:[,;:()\[\]/|]|\s-\s|\band/or\b|\band\b|\bor\b|\bas well as\b|\bincluding\b|\bsuch as\b|\be\.g\."
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
# Requirement boilerplate at the end of a phrase ("German is a must", "SQL is a plus").
_TRAILING_FLUFF = re.compile(
    r"(?:\s+(?:is|are|would be|will be)?\s*(?:a\s+)?(?:must|plus|bonus|essential|required|mandatory|preferred|desirable"
    r"|an?\s+advantage|highly\s+desirable|nice\s+to\s+have|a\s+must-have))+[\s.!]*$",
    re.IGNORECASE,
)
# Second-level cut of a long phrase before a preposition: "write SQL queries against our warehouse"
# also yields "write SQL queries", so the object of the skill is not drowned by its context.
_PREPOSITION_SPLIT = re.compile(
    r"\s+(?=(?:against|for|to|in|on|at|from|into|within|across|under|using|via|by)\b)", re.IGNORECASE
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
    # Candidate items taken from the approximate search of each query.
    candidates: int = 40
    # Phrases shorter than this many letters are dropped (stray words like "etc").
    min_phrase_letters: int = 3
    # Extraction keeps, per phrase, only items within this margin of the phrase's best item: a phrase
    # usually names one skill, and its runners-up are neighbours, not further mentions.
    extract_margin: float = 0.03
    # A sentence at least this similar to a boilerplate prototype (benefits, pay, equality, applying) is
    # skipped unless an item matches it at ``boilerplate_override`` or more.
    boilerplate_similarity: float = 0.45
    boilerplate_override: float = 0.9
    # Phrases longer than this many words are also cut before prepositions (see _PREPOSITION_SPLIT).
    split_words: int = 4
    # In ranking, an item scores this share of its whole-text score plus the rest of its best phrase's. 0.7 beat
    # the plain mean (0.5) on 480 dev sentences no training pair came from (our 344 plus TECH and HOUSE
    # validation): RP@5 +0.017 [+0.002, +0.033], MRR +0.021 [+0.005, +0.036] (README, Semantic engine).
    whole_text_weight: float = 0.7
    # In ranking a text cut into phrases, and in extraction per sentence, the share of the word TF-IDF cosine
    # (LabelWords) added to an item's score. Chosen for ranking on the first 100 hand-labelled ad sentences
    # among 0.05-0.3 (RP@5 +0.022, paired 95% interval +0.005 to +0.042), then read on the 244 later ones
    # (+0.028, +0.004 to +0.051); in extraction, with the threshold raised to 0.65, precision and recall rose
    # on both sets (EXTRACTION_THRESHOLD; README, Label words).
    word_weight: float = 0.1


def split_sentences(text: str) -> list[Span]:
    r"""Sentences and bullet items of a longer text, with offsets.

    Example:
        >>> [s.text for s in split_sentences("Know SQL. Use Excel!\n• Drive a forklift")]
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


def _subphrases(phrase: Span, split_words: int, min_letters: int) -> list[Span]:
    """Heads of a long phrase cut before each preposition ("write SQL queries against X" → "write SQL queries")."""
    if _word_count(phrase.text) <= split_words:
        return []
    out = []
    for match in _PREPOSITION_SPLIT.finditer(phrase.text):
        head = phrase.text[: match.start()].strip(" ,")
        if sum(c.isalpha() for c in head) >= min_letters and head != phrase.text:
            out.append(Span(phrase.start, phrase.start + len(head), head))
    return out


def phrases(sentence: Span, min_letters: int = 3, split_words: int | None = None) -> list[Span]:
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
        core = _TRAILING_FLUFF.sub("", _LEADING_FLUFF.sub("", piece.strip())).strip(" .!?;:,-")
        if sum(c.isalpha() for c in core) >= min_letters:
            offset = sentence.start + position + piece.find(core)
            span = Span(offset, offset + len(core), core)
            out.append(span)
            if split_words is not None:
                out.extend(_subphrases(span, split_words, min_letters))
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
        lexicon: verbatim names of the index's items (optional; see the module docstring).
        words: the words of the index's items' labels (optional; see the module docstring).
    """

    def __init__(
        self,
        encoder: Encoder,
        index: ItemIndex,
        config: LinkerConfig | None = None,
        lexicon: NameLexicon | None = None,
        words: LabelWords | None = None,
    ) -> None:
        self.encoder = encoder
        self.index = index
        self.config = config or LinkerConfig()
        self.lexicon = lexicon
        self.words = words
        self._prototypes: npt.NDArray[np.float32] | None = None

    def _mentions(self, text: str) -> list[NameMention]:
        return self.lexicon.find(text) if self.lexicon is not None else []

    def _name_vectors(self, mentions: Sequence[NameMention]) -> npt.NDArray[np.float32]:
        """The index's own vectors of the mentioned names (encoded only when the index keeps none in memory)."""
        stored = getattr(self.index, "vectors", None)
        if stored is not None:
            return np.asarray(stored[[m.rows[0] for m in mentions]], dtype=np.float32).reshape(len(mentions), -1)
        return self.encoder.encode([m.name for m in mentions])

    def _encode(
        self, texts: Sequence[str], max_texts: int | None, should_stop: StopCheck | None
    ) -> npt.NDArray[np.float32]:
        """Encode in chunks, refusing more than ``max_texts`` and stopping when ``should_stop`` says so."""
        if max_texts is not None and len(texts) > max_texts:
            raise LimitExceededError(
                f"the request holds {len(texts)} sentences and phrases to match; at most {max_texts} per request"
            )
        if should_stop is None:
            return self.encoder.encode(texts)
        chunks = []
        for start in range(0, len(texts), ENCODE_CHUNK):
            if should_stop():
                raise AbandonedError(f"stopped after {start} of {len(texts)} texts: the client went away")
            chunks.append(self.encoder.encode(texts[start : start + ENCODE_CHUNK]))
        return np.concatenate(chunks) if chunks else self.encoder.encode([])

    def _candidates(self, text: str, use_phrases: bool) -> list[str]:
        if not use_phrases or _word_count(text) <= self.config.short_words:
            return [text]
        found = [
            p.text for p in phrases(Span(0, len(text), text), self.config.min_phrase_letters, self.config.split_words)
        ]
        return [text, *dict.fromkeys(p for p in found if p != text)]

    def _fuse(
        self,
        text: str | None,
        vectors: npt.NDArray[np.float32],
        k: int,
        allowed: npt.NDArray[np.bool_] | None,
        mentions: Sequence[NameMention],
        found: Sequence[npt.NDArray[np.int64]],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Score candidate items for a text (row 0) and its phrases (rows 1..).

        With phrases, an item scores a weighted mean of its whole-text score and its best phrase score
        (``LinkerConfig.whole_text_weight``): it must fit the sentence's context *and* be named by some part
        of it. On the hand-labelled ad sentences the plain mean beat taking the maximum (RP@5 0.613 vs 0.554)
        and the whole text alone (0.561); weighting the whole text 0.7 beat the plain mean on wider dev sets.
        With :class:`LabelWords` and a ``text`` (given when the text was cut into phrases),
        ``LinkerConfig.word_weight`` x the cosine of its words to an item's labels is added.
        ``found``: each row's candidate positions, searched with every other text's (:meth:`_search_blocks`).
        Returns items, scores and, per item, the row of its best phrase (0 without phrases).
        """
        named = [np.array([i for m in mentions for i in m.items], dtype=np.int64)] if mentions else []
        items = np.unique(np.concatenate([*found, *named])) if found else np.zeros(0, np.int64)
        if allowed is not None and named:
            items = items[allowed[items]]
        scores = self.index.score_items(vectors, items)
        if len(vectors) > 1:
            best_row = scores[1:].argmax(axis=0) + 1
            whole = self.config.whole_text_weight
            fused = whole * scores[0] + (1.0 - whole) * scores[1:].max(axis=0)
            if self.words is not None and text is not None:
                fused = fused + self.config.word_weight * self.words.scores(text, items)
        else:
            best_row = np.zeros(len(items), dtype=np.int64)
            fused = scores[0]
        order = np.argsort(-fused, kind="stable")[:k]
        return items[order], fused[order].astype(np.float32), best_row[order]

    def rank(
        self,
        texts: Sequence[str],
        k: int,
        *,
        allowed: npt.NDArray[np.bool_] | None = None,
        use_phrases: bool = True,
        max_texts: int | None = None,
        should_stop: StopCheck | None = None,
    ) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]:
        """Top-``k`` item positions and scores for each text, best first.

        Raises:
            LimitExceededError: the texts and their phrases are more than ``max_texts``.
            AbandonedError: ``should_stop`` answered true between two chunks of encoding.
        """
        candidate_lists = [self._candidates(text, use_phrases) for text in texts]
        mention_lists = [self._mentions(text) for text in texts]
        flat = [c for candidates in candidate_lists for c in candidates]
        vectors = self._encode(flat, max_texts, should_stop)
        blocks = []
        start = 0
        for candidates, mentions in zip(candidate_lists, mention_lists, strict=True):
            block = vectors[start : start + len(candidates)]
            start += len(candidates)
            if mentions:
                block = np.concatenate([block, self._name_vectors(mentions)])
            blocks.append(block)
        found = self._search_blocks(blocks, max(k, self.config.candidates), allowed)
        out = []
        for text, candidates, block, mentions, positions in zip(
            texts, candidate_lists, blocks, mention_lists, found, strict=True
        ):
            # Words count for texts cut into phrases only: a label or a name alone keeps its dense score (1.0
            # for an exact label), which callers read as a similarity.
            cut = text if len(candidates) > 1 else None
            items, scores, _rows = self._fuse(cut, block, k, allowed, mentions, positions)
            out.append((items, scores))
        return out

    def _search_blocks(
        self, blocks: Sequence[npt.NDArray[np.float32]], k: int, allowed: npt.NDArray[np.bool_] | None
    ) -> list[list[npt.NDArray[np.int64]]]:
        """Top-``k`` positions for every row of every block, the rows searched together in chunks.

        Each row's result is the one a search of that row alone gives; only the number of index passes
        changes (an exact search per text re-read ~100,000 vectors for each of the evaluation's ~10,000 texts).
        """
        if not blocks:
            return []
        rows = np.concatenate(blocks)
        positions: list[npt.NDArray[np.int64]] = []
        for start in range(0, len(rows), _SEARCH_ROWS):
            positions.extend(self.index.search(rows[start : start + _SEARCH_ROWS], k, allowed).positions)
        out = []
        start = 0
        for block in blocks:
            out.append(positions[start : start + len(block)])
            start += len(block)
        return out

    def extract(
        self,
        text: str,
        threshold: float,
        per_sentence: int = 5,
        *,
        max_texts: int | None = None,
        should_stop: StopCheck | None = None,
    ) -> list[Mention]:
        """Items mentioned in a longer text, each reported once where it scored best.

        Per sentence, every candidate (the sentence and its phrases) keeps its best item and any item
        within ``extract_margin`` of it, if they reach ``threshold``; sentences that read as boilerplate
        are skipped unless they name an item almost verbatim.

        Raises:
            LimitExceededError: the sentences and phrases are more than ``max_texts``.
            AbandonedError: ``should_stop`` answered true between two chunks of encoding.
        """
        sentences = split_sentences(text)
        units: list[tuple[Span, list[Span], list[NameMention]]] = []
        for sentence in sentences:
            # Even a short sentence ("Proficient in SQL;") is also tried without its requirement wording.
            parts = phrases(sentence, self.config.min_phrase_letters, self.config.split_words)
            mentions = [
                NameMention(m.start + sentence.start, m.end + sentence.start, m.name, m.rows, m.items)
                for m in self._mentions(sentence.text)
            ]
            units.append((sentence, [sentence, *[p for p in parts if p.text != sentence.text]], mentions))
        flat = [span.text for _, spans, _ in units for span in spans]
        if not flat:
            return []
        vectors = self._encode(flat, max_texts, should_stop)
        boilerplate = self._boilerplate_scores(
            vectors[[sum(len(s) for _, s, _ in units[:i]) for i in range(len(units))]]
        )
        blocks: list[npt.NDArray[np.float32]] = []
        block_spans: list[list[Span]] = []
        start = 0
        for _sentence, spans, mentions in units:
            block = vectors[start : start + len(spans)]
            start += len(spans)
            if mentions:
                block = np.concatenate([block, self._name_vectors(mentions)])
                spans = [*spans, *[Span(m.start, m.end, text[m.start : m.end]) for m in mentions]]
            blocks.append(block)
            block_spans.append(spans)
        found_blocks = self._search_blocks(blocks, per_sentence, None)
        best: dict[int, Mention] = {}
        for (sentence, _spans, mentions), noise, block, spans, found in zip(
            units, boilerplate, blocks, block_spans, found_blocks, strict=True
        ):
            items = np.unique(np.concatenate([*found, *[np.array(m.items) for m in mentions]]))
            scores = self.index.score_items(block, items)
            floor = threshold if noise < self.config.boilerplate_similarity else self.config.boilerplate_override
            # A phrase's evidence is averaged with its sentence's, as in ranking (see _fuse).
            combined = scores.copy()
            if len(spans) > 1:
                combined[1:] = 0.5 * (scores[1:] + scores[0])
            if self.words is not None:
                # The sentence's words, as in ranking, count for every candidate of the sentence.
                combined += self.config.word_weight * self.words.scores(sentence.text, items)[None, :]
            for row, span in enumerate(spans):
                top = float(combined[row].max()) if len(items) else 0.0
                for column in np.flatnonzero(combined[row] >= max(floor, top - self.config.extract_margin)):
                    item, score = int(items[column]), float(combined[row, column])
                    current = best.get(item)
                    if current is None or score > current.score:
                        best[item] = Mention(item, score, sentence, span)
        return sorted(best.values(), key=lambda m: (m.sentence.start, m.phrase.start, -m.score))

    def _boilerplate_scores(self, sentence_vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        if self._prototypes is None:
            self._prototypes = self.encoder.encode(list(BOILERPLATE_PROTOTYPES))
        similarity: npt.NDArray[np.float32] = (sentence_vectors @ self._prototypes.T).max(axis=1).astype(np.float32)
        return similarity
