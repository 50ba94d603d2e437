"""The language flag on titles and descriptions."""

import pytest

from credpath.sources.language import looks_non_english


@pytest.mark.parametrize(
    "text",
    [
        "Introducción a la programación en Python",
        "Data Science en Español",
        "Marketing Digital (PT)",
        "データサイエンス入門",
        "Die Grundlagen der Datenanalyse mit Python für Einsteiger und ihre Anwendung im Beruf und in der Praxis",
    ],
)
def test_foreign_texts_are_flagged(text: str) -> None:
    assert looks_non_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "Introduction to IT Support (IT)",
        "Python for Everybody",
        "Learn the basics of data analysis with spreadsheets and SQL in this course for beginners and managers",
        "2024",
        "",
    ],
)
def test_english_or_empty_texts_are_not(text: str) -> None:
    assert not looks_non_english(text)
