"""The linker: sentence and phrase segmentation, ranking, extraction thresholds and boilerplate skipping."""

import re
import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from credpath.ml.index import VectorIndex, text_hashes
from credpath.skills.label_words import LabelWords
from credpath.skills.lexicon import NameLexicon
from credpath.skills.linking import LinkerConfig, Span, TextLinker, phrases, split_sentences


def test_sentences_keep_offsets() -> None:
    text = "We use SQL daily.  You will drive forklifts!\n• Fluent German\n- Excel"
    spans = split_sentences(text)
    assert [s.text for s in spans] == ["We use SQL daily.", "You will drive forklifts!", "Fluent German", "Excel"]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_phrases_strip_requirement_boilerplate() -> None:
    sentence = "Strong experience with SQL and Power BI, ideally Tableau"
    assert [p.text for p in phrases(Span(0, len(sentence), sentence))] == ["SQL", "Power BI", "Tableau"]


def test_long_phrases_are_also_cut_before_prepositions() -> None:
    sentence = "We need someone who can write SQL queries against our warehouse"
    found = [p.text for p in phrases(Span(0, len(sentence), sentence), split_words=4)]
    assert "can write SQL queries" in found
    for span in phrases(Span(10, 10 + len(sentence), sentence), split_words=4):
        assert sentence[span.start - 10 : span.end - 10] == span.text


def test_trailing_requirement_wording_is_stripped() -> None:
    for sentence, core in (("Fluent German is a must.", "German"), ("Knowledge of SAP is a plus", "SAP")):
        assert [p.text for p in phrases(Span(0, len(sentence), sentence))] == [core]


class KeywordEncoder:
    """A fake encoder whose geometry is known: one dimension per keyword, other words hashed into 32 more.

    Other words dilute a text (so a bare phrase matches its item better than the sentence around it),
    and only texts sharing words are similar.
    """

    name = "keywords"
    backend = "fake"
    keywords = ("sql", "excel", "forklift", "salary", "benefit")
    filler = 32
    dim = len(keywords) + filler

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.casefold()):
                keyword = next((i for i, k in enumerate(self.keywords) if word.startswith(k)), None)
                column = keyword if keyword is not None else len(self.keywords) + zlib.crc32(word.encode()) % 32
                matrix[row, column] += 1.0 if keyword is not None else 0.5
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


ENCODER = KeywordEncoder()
SKILLS = {"s:sql": "SQL", "s:excel": "Excel", "s:forklift": "forklift"}


def _linker(config: LinkerConfig | None = None) -> TextLinker:
    vectors = ENCODER.encode(list(SKILLS.values()))
    index = VectorIndex(list(SKILLS), vectors, np.arange(3), np.ones(3, np.float32), np.zeros(3, np.uint64))
    return TextLinker(ENCODER, index, config)


def _cosine(a: str, b: str) -> float:
    va, vb = ENCODER.encode([a, b])
    return float(va @ vb)


def test_a_sentence_scores_a_weighted_mean_of_its_whole_text_and_its_best_phrase() -> None:
    linker = _linker()
    sentence = "Strong experience with SQL and Excel every day"
    ((items, scores),) = linker.rank([sentence], 3)
    ranked = dict(zip([linker.index.item_ids[i] for i in items], scores.tolist(), strict=True))
    assert set(ranked) == set(SKILLS)
    expected = 0.7 * _cosine(sentence, "SQL") + 0.3 * _cosine("SQL", "SQL")
    assert ranked["s:sql"] == pytest.approx(expected, abs=1e-6)
    ((items, scores),) = _linker(LinkerConfig(whole_text_weight=0.5)).rank([sentence], 3)
    mean = dict(zip([linker.index.item_ids[i] for i in items], scores.tolist(), strict=True))
    assert mean["s:sql"] == pytest.approx(0.5 * (_cosine(sentence, "SQL") + _cosine("SQL", "SQL")), abs=1e-6)
    # Whole text alone is the plain cosine, lower than with phrases for a skill the sentence names.
    ((items, scores),) = linker.rank([sentence], 3, use_phrases=False)
    whole = dict(zip([linker.index.item_ids[i] for i in items], scores.tolist(), strict=True))
    assert whole["s:sql"] == pytest.approx(_cosine(sentence, "SQL"), abs=1e-6)
    assert ranked["s:sql"] > whole["s:sql"]
    assert list(scores) == sorted(scores, reverse=True)


def test_short_texts_are_matched_whole_and_k_and_the_mask_are_respected() -> None:
    linker = _linker()
    ((items, scores),) = linker.rank(["sql"], 1)
    assert [linker.index.item_ids[i] for i in items] == ["s:sql"]
    assert scores[0] == pytest.approx(1.0, abs=1e-6)
    allowed = np.array([False, True, True])
    ((items, _),) = linker.rank(["sql"], 3, allowed=allowed)
    assert "s:sql" not in {linker.index.item_ids[i] for i in items}
    assert len(items) == 2


def test_extraction_reports_each_item_once_at_its_phrase_above_the_threshold() -> None:
    linker = _linker()
    text = "Strong experience with SQL. Forklift driving, mostly."
    found = linker.extract(text, 0.8)
    assert [linker.index.item_ids[m.item] for m in found] == ["s:sql", "s:forklift"]
    for mention in found:
        assert text[mention.phrase.start : mention.phrase.end] == mention.phrase.text
        assert text[mention.sentence.start : mention.sentence.end] == mention.sentence.text
        assert mention.score >= 0.8
    assert found[0].phrase.text == "SQL"
    # The SQL phrase scores the mean of its own and its sentence's cosine: a higher threshold drops it.
    sql_score = 0.5 * (1.0 + _cosine("Strong experience with SQL.", "SQL"))
    assert found[0].score == pytest.approx(sql_score, abs=1e-6)
    above = linker.extract(text, sql_score + 0.01)
    assert "s:sql" not in {linker.index.item_ids[m.item] for m in above}
    assert linker.extract("", 0.5) == []


def test_boilerplate_sentences_are_skipped_unless_an_item_matches_almost_verbatim() -> None:
    text = "We offer a competitive salary, benefits and SQL training."
    never_boilerplate = LinkerConfig(boilerplate_similarity=1.01)
    assert {m.item for m in _linker(never_boilerplate).extract(text, 0.5)} == {0}
    # Close to the "salary and benefits" prototype: only an item scoring >= 0.9 would be reported.
    assert _linker().extract(text, 0.5) == []
    assert [m.item for m in _linker(LinkerConfig(boilerplate_override=0.5)).extract(text, 0.5)] == [0]


NAMED = {"s:sql": "SQL", "s:excel": "Excel", "s:forklift": "forklift", "s:bi": "Tableau"}


def _named_linker(config: LinkerConfig | None = None, *, names: bool = True) -> TextLinker:
    """A controlled index where "Tableau" is only a hashed filler word to the encoder: a name it cannot see."""
    texts = list(NAMED.values())
    index = VectorIndex(
        list(NAMED), ENCODER.encode(texts), np.arange(len(texts)), np.ones(len(texts), np.float32), text_hashes(texts)
    )
    lexicon = NameLexicon.from_index(texts, index.hashes, index.owners) if names else None
    return TextLinker(ENCODER, index, config, lexicon)


def test_a_verbatim_name_is_one_more_phrase_scored_with_the_index_vector() -> None:
    sentence = "You will build dashboards in Tableau every week"
    ((items, scores),) = _named_linker().rank([sentence], 4)
    ranked = dict(zip([NAMED_IDS[i] for i in items], scores.tolist(), strict=True))
    assert NAMED_IDS[items[0]] == "s:bi"
    assert ranked["s:bi"] == pytest.approx(0.7 * _cosine(sentence, "Tableau") + 0.3 * 1.0, abs=1e-6)
    ((items, scores),) = _named_linker(names=False).rank([sentence], 4)
    without = dict(zip([NAMED_IDS[i] for i in items], scores.tolist(), strict=True))
    assert without["s:bi"] < ranked["s:bi"] - 0.1


def test_extraction_reports_a_verbatim_name_at_its_own_offsets() -> None:
    text = "Proficient with spreadsheets. You will build dashboards in Tableau every week."
    config = LinkerConfig(boilerplate_similarity=1.01)
    expected = 0.5 * (1.0 + _cosine("You will build dashboards in Tableau every week.", "Tableau"))
    found = _named_linker(config).extract(text, expected - 0.01)
    (mention,) = [m for m in found if NAMED_IDS[m.item] == "s:bi"]
    assert (mention.phrase.text, text[mention.phrase.start : mention.phrase.end]) == ("Tableau", "Tableau")
    assert mention.score == pytest.approx(expected, abs=1e-6)
    without = _named_linker(config, names=False).extract(text, expected - 0.01)
    assert "s:bi" not in {NAMED_IDS[m.item] for m in without}


def test_names_are_encoded_when_the_index_keeps_no_vectors_in_memory() -> None:
    linker = _named_linker()
    stored = linker.index

    class NoVectors:
        item_ids = stored.item_ids
        manifest = None

        def __len__(self) -> int:
            return len(stored)

        def search(self, queries, k, allowed=None):  # type: ignore[no-untyped-def]
            return stored.search(queries, k, allowed)

        def score_items(self, queries, items):  # type: ignore[no-untyped-def]
            return stored.score_items(queries, items)

    remote = TextLinker(ENCODER, NoVectors(), lexicon=linker.lexicon)  # type: ignore[arg-type]
    sentence = "You will build dashboards in Tableau every week"
    assert dict(_ranked(remote, sentence)) == pytest.approx(dict(_ranked(linker, sentence)), abs=1e-6)


NAMED_IDS = list(NAMED)


def _ranked(linker: TextLinker, sentence: str) -> list[tuple[str, float]]:
    ((items, scores),) = linker.rank([sentence], len(NAMED))
    return [(NAMED_IDS[i], float(s)) for i, s in zip(items, scores, strict=True)]


WORDED = {"s:sql": "SQL", "s:stock": "maintain stock control systems", "s:licence": "issue licences"}
WORDED_IDS = list(WORDED)


def _worded_linker(*, words: bool = True) -> TextLinker:
    """An index whose labels' words the fake encoder reads only as hashed filler: only LabelWords sees "stock"."""
    texts = list(WORDED.values())
    index = VectorIndex(
        WORDED_IDS, ENCODER.encode(texts), np.arange(len(texts)), np.ones(len(texts), np.float32), text_hashes(texts)
    )
    return TextLinker(ENCODER, index, words=LabelWords.from_index(texts, index.hashes, index.owners) if words else None)


def test_ranking_a_sentence_adds_a_share_of_the_words_it_shares_with_an_item_label() -> None:
    sentence = "You will run stock control in SQL for the site"
    ((items, scores),) = _worded_linker().rank([sentence], 3)
    with_words = dict(zip([WORDED_IDS[i] for i in items], scores.tolist(), strict=True))
    ((items, scores),) = _worded_linker(words=False).rank([sentence], 3)
    without = dict(zip([WORDED_IDS[i] for i in items], scores.tolist(), strict=True))
    shared = LabelWords(list(WORDED.values())).scores(sentence, np.array([1]))[0]
    assert shared > 0.3
    assert with_words["s:stock"] == pytest.approx(without["s:stock"] + LinkerConfig().word_weight * shared, abs=1e-6)
    # No word in common: the score is the dense one.
    assert with_words["s:licence"] == pytest.approx(without["s:licence"], abs=1e-6)


def test_words_leave_short_texts_alone_and_count_per_sentence_in_extraction() -> None:
    ((items, scores),) = _worded_linker().rank(["stock control"], 3)
    ((plain_items, plain_scores),) = _worded_linker(words=False).rank(["stock control"], 3)
    assert items.tolist() == plain_items.tolist()
    assert scores.tolist() == pytest.approx(plain_scores.tolist())
    # A name alone is scored with the name's own row too, but it is not a text cut into phrases: an exact label
    # keeps the similarity 1.0 that callers read.
    texts = list(WORDED.values())
    named = TextLinker(
        ENCODER,
        _worded_linker().index,
        lexicon=NameLexicon.from_index(texts, text_hashes(texts), np.arange(len(texts))),
        words=LabelWords(texts),
    )
    ((items, scores),) = named.rank(["SQL"], 1)
    assert (WORDED_IDS[items[0]], float(scores[0])) == ("s:sql", pytest.approx(1.0, abs=1e-6))
    text = "Proficient in Excel. You will run stock control in SQL for the site."
    config = LinkerConfig(boilerplate_similarity=1.01)
    index = _worded_linker().index
    with_words = TextLinker(ENCODER, index, config, words=LabelWords(list(WORDED.values())))
    found = {WORDED_IDS[m.item]: m for m in with_words.extract(text, 0.0)}
    plain = {WORDED_IDS[m.item]: m for m in TextLinker(ENCODER, index, config).extract(text, 0.0)}
    sentence = "You will run stock control in SQL for the site."
    shared = LabelWords(list(WORDED.values())).scores(sentence, np.array([1]))[0]
    assert found["s:stock"].sentence.text == sentence
    assert found["s:stock"].score == pytest.approx(plain["s:stock"].score + config.word_weight * shared, abs=1e-6)
    assert found["s:licence"].score == pytest.approx(plain["s:licence"].score, abs=1e-6)
