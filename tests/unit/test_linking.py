"""Sentence and phrase segmentation used by the linker (pure text handling)."""

from credpath.skills.linking import Span, phrases, split_sentences


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
