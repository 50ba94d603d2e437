"""A credential's language: markers, the catalogue's field, the detector, the default — and which decided."""

import pytest

from credpath.sources.languages import LanguageGuess, detect_language, normalise_language


@pytest.mark.parametrize(
    ("title", "stated", "expected"),
    [
        ("Google IT Support (Deutsch)", "en", LanguageGuess("de", "marker")),
        ("Google Data Analytics (DE)", None, LanguageGuess("de", "marker")),
        ("Google Cloud Fundamentals: Core Infrastructure en Français", None, LanguageGuess("fr", "marker")),
        ("Developing Applications with Google Cloud 日本語版", None, LanguageGuess("ja", "marker")),
        ("Arduino para niños ¡vamos al espacio!", "Español", LanguageGuess("es", "catalogue")),
        ("Italian Language and Culture: Beginner", "Italiano", LanguageGuess("it", "catalogue")),
        ("Finanzas personales", "en", LanguageGuess("es", "detected")),
        ("Análisis de Datos de Google", None, LanguageGuess("es", "detected")),
        ("Финансовые рынки", None, LanguageGuess("ru", "detected")),
        ("Introduction to IT (IT)", None, LanguageGuess("en", "default")),
        ("Data Literacy", "en", LanguageGuess("en", "catalogue")),
        ("Data Literacy", None, LanguageGuess("en", "default")),
    ],
)
def test_language_and_how_it_was_decided(title: str, stated: str | None, expected: LanguageGuess) -> None:
    assert detect_language(title, stated=stated) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # No language reaches 0.75 (Spanish, Portuguese and Italian share it) but English is all but excluded.
        ("Fundamentos del marketing digital y comercio electrónico", "es"),
        ("Costos para los Negocios", "es"),
        ("Habilidades de Excel para el negocio: Conceptos básicos", "es"),
        ("KI für alle", "de"),
        # Short English titles of product names also leave English under 0.75; they stay English.
        ("Big Data", "en"),
        ("Core Java", "en"),
        ("Introduction to Tableau", "en"),
        ("Version Control", "en"),
        ("Kali Linux", "en"),
    ],
)
def test_a_short_title_is_not_english_when_english_is_all_but_excluded(title: str, expected: str) -> None:
    assert detect_language(title, stated="en").code == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Two or three words spread lingua's confidence thin; the words are common in one language, rare in English.
        ("Digitale Transformation", LanguageGuess("de", "words")),
        ("Gestion de projet de Google", LanguageGuess("fr", "words")),
        ("Suporte em TI do Google", LanguageGuess("pt", "words")),
        ("Google Cloud Fundamentals: Core Infrastructure dalam bahasa Indonesia", LanguageGuess("id", "words")),
        # One word common elsewhere ("stata" is Italian) while lingua reads English first: stays English.
        ("Data Visualization in Stata", LanguageGuess("en", "catalogue")),
        # Brand and technical words rare in every list never decide it.
        ("Deep Learning with Keras and Tensorflow", LanguageGuess("en", "catalogue")),
        ("Generative Adversarial Networks (GANs)", LanguageGuess("en", "catalogue")),
    ],
)
def test_a_title_whose_words_are_commoner_in_another_language_is_not_english(
    title: str, expected: LanguageGuess
) -> None:
    assert detect_language(title, stated="en") == expected


def test_a_description_supports_the_detection() -> None:
    guess = detect_language("Gestión", "Aprenderás a planificar proyectos y a gestionar equipos de trabajo.")
    assert guess == LanguageGuess("es", "detected")


def test_catalogue_names_become_codes() -> None:
    assert [normalise_language(v) for v in ("English", "Français", "zh", "", None, "Elvish")] == [
        "en",
        "fr",
        "zh",
        None,
        None,
        None,
    ]
