"""The language a credential is taught in: explicit markers, the catalogue's own field, then a detector.

The scraped catalogues rarely say (266 of 5,281 rows have no language, and some say ``en`` for
"Finanzas personales" or "Google IT Support (Deutsch)"), so each credential's language is decided in
this order and the rule that decided it is recorded (``language_source``):

1. ``marker``: the title names a language version ("(DE)", "(Deutsch)", "en Español", "日本語版").
2. ``catalogue``: the catalogue's own field when it names a language other than English.
3. ``detected``: `lingua <https://github.com/pemistahl/lingua-py>`_ (a maintained detector built for
   short texts) reads the title and the description's lead and is sure (confidence ≥ 0.75, or ≥ 0.60 with
   a description or a non-Latin script) that it is not English, or finds English all but excluded
   (confidence < 0.05) and one other language at ≥ 0.45: a short Spanish title spreads its confidence over
   Spanish, Portuguese and Italian ("Fundamentos del marketing digital y comercio electrónico": es 0.73,
   en 0.01), so no one language reaches 0.75 although it is plainly not English; else the catalogue's
   ``en`` stands.
4. ``words``: the title's words are commoner in one other language than in English, by `wordfreq
   <https://github.com/rspeer/wordfreq>`_'s word frequencies (Zipf scale) summed over the title, by at least
   :data:`_WORDS_MARGIN`, at least one word is rare in English and common there, and the detector does not rank
   English first (this overrides a catalogue's stated ``en`` too). Two-word titles spread lingua's confidence
   thin ("Digitale Transformation": fr 0.37, en 0.17, de 0.17), but "digitale" is a common German, Dutch and
   Italian word and a rare English one. wordfreq's lists were frozen in 2021 (its author stopped updating
   them); common words of a language do not move.
5. ``default``: English, which every catalogue here is mostly in.

Only the languages the catalogues actually hold are loaded into the detector (it is faster and
cannot answer with a language nobody teaches in).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["LanguageGuess", "detect_language", "normalise_language"]

_NAMES = {
    "english": "en",
    "español": "es",
    "espanol": "es",
    "spanish": "es",
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "deutsch": "de",
    "german": "de",
    "português": "pt",
    "portugues": "pt",
    "portuguese": "pt",
    "italiano": "it",
    "italian": "it",
    "中文": "zh",
    "chinese": "zh",
    "日本語": "ja",
    "japanese": "ja",
    "русский": "ru",
    "русский язык": "ru",
    "اَلْعَرَبِيَّةُ": "ar",
    "العربية": "ar",
    "arabic": "ar",
    "türkçe": "tr",
    "한국어": "ko",
    "nederlands": "nl",
    "bahasa indonesia": "id",
    "українська": "uk",
    "हिन्दी": "hi",
}
_CODES = frozenset(_NAMES.values())
# "(DE)" is a version marker, "(IT)" is Information Technology: only these codes, in capitals.
_CODE_MARKER = re.compile(r"\((DE|PT|ES|FR)\)")
_NAME_MARKER = re.compile(
    r"(?:\b(?:en|em|in|auf)\s+|\(|\s[-–]\s)(español|espanol|français|francais|português|portugues|deutsch|italiano)\b",
    re.IGNORECASE,
)
_SCRIPT_MARKER = {"日本語": "ja", "中文": "zh", "한국어": "ko"}
_SURE = 0.75
_SURE_WITH_CONTEXT = 0.60
# Not English when English is all but excluded and one other language leads clearly. Chosen by reading the
# 5,281 bundled titles: of the 28 English-labelled ones this moves, 27 are Spanish, Portuguese, French or German
# titles ("Costos para los Negocios", "KI für alle", "IA para todos"; a Spanish one may read as Portuguese); one
# is not ("Java Servlet Pages (JSPs)", read as Dutch).
_NOT_ENGLISH = 0.05
_LEADING = 0.45
# Title words, by wordfreq: the Latin-script languages the catalogues hold (others are told by their script, and
# wordfreq needs extra tokenisers for them). A word is foreign when it is rare in English (Zipf < 2.5, under
# about 3 per 10 million words) and common in that language (>= 3.5); the title's summed Zipf frequencies must
# favour the language by _WORDS_MARGIN. Chosen by reading the 4,886 English-labelled bundled titles: 24 move,
# 23 of them French, Spanish, Portuguese, German or Indonesian titles ("Gestion de projet de Google", "Digitale
# Transformation", "Suporte em TI do Google"); the one that is not ("Data Visualization in Stata", Italian by
# "stata") lingua ranks English first, so it stays. Brand words alone (Keras, GANs, Dall-E, TOEFL) never win.
_WORD_LANGUAGES = ("de", "es", "fr", "id", "it", "nl", "pt", "tr")
_RARE_IN_ENGLISH = 2.5
_COMMON = 3.5
_WORDS_MARGIN = 1.0
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code and the rule that decided it (marker, catalogue, detected, words, default)."""

    code: str
    source: str


def normalise_language(value: str | None) -> str | None:
    """A catalogue's language field as an ISO 639-1 code, or ``None`` when it names none.

    Example:
        >>> normalise_language("Español"), normalise_language("en"), normalise_language("Klingon")
        ('es', 'en', None)
    """
    if value is None:
        return None
    text = value.strip().casefold()
    if text in _CODES:
        return text
    return _NAMES.get(text)


@cache
def _detector() -> "LanguageDetector":
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in sorted(_CODES)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def _non_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(not unicodedata.name(c, "").startswith("LATIN") for c in letters) >= 3


def _title_words_language(title: str) -> str | None:
    """The language whose word frequencies the title's words favour over English (:data:`_WORDS_MARGIN`).

    Example:
        >>> _title_words_language("Digitale Transformation"), _title_words_language("Deep Learning with Keras")
        ('de', None)
    """
    from wordfreq import zipf_frequency

    languages = ("en", *_WORD_LANGUAGES)
    frequencies = [{c: zipf_frequency(w.casefold(), c) for c in languages} for w in _WORD.findall(title)]
    if not any(f["en"] < _RARE_IN_ENGLISH and max(f[c] for c in _WORD_LANGUAGES) >= _COMMON for f in frequencies):
        return None
    totals = {c: sum(f[c] for f in frequencies) for c in languages}
    best = max(_WORD_LANGUAGES, key=lambda c: totals[c])
    return best if totals[best] - totals["en"] >= _WORDS_MARGIN else None


def detect_language(title: str, description: str | None = None, stated: str | None = None) -> LanguageGuess:
    """Decide a credential's language from its title, description and the catalogue's field.

    Example:
        >>> detect_language("Google IT Support (Deutsch)", stated="en")
        LanguageGuess(code='de', source='marker')
        >>> detect_language("Finanzas personales", stated="en").code
        'es'
        >>> detect_language("Fundamentos del marketing digital y comercio electrónico", stated="en")
        LanguageGuess(code='es', source='detected')
        >>> detect_language("Data Literacy", stated=None)
        LanguageGuess(code='en', source='default')
    """
    for marker, code in _SCRIPT_MARKER.items():
        if marker in title:
            return LanguageGuess(code, "marker")
    if found := _CODE_MARKER.search(title):
        return LanguageGuess(found.group(1).lower(), "marker")
    if found := _NAME_MARKER.search(title):
        return LanguageGuess(_NAMES[found.group(1).casefold()], "marker")
    stated_code = normalise_language(stated)
    if stated_code not in (None, "en"):
        # A catalogue that names a language other than its default is taken at its word (a course in
        # Italian about Italian culture reads as English to a detector).
        return LanguageGuess(stated_code, "catalogue")
    text = title if not description else f"{title}. {description[:300]}"
    values = _detector().compute_language_confidence_values(text)
    if values:
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        sure = _SURE_WITH_CONTEXT if description or _non_latin(title) else _SURE
        if code != "en" and top.value >= sure:
            return LanguageGuess(code, "detected")
        english = next((v.value for v in values if v.language.iso_code_639_1.name.lower() == "en"), 0.0)
        if code != "en" and top.value >= _LEADING and english < _NOT_ENGLISH:
            return LanguageGuess(code, "detected")
        if code != "en" and (by_words := _title_words_language(title)) is not None:
            return LanguageGuess(by_words, "words")
    if stated_code is not None:
        return LanguageGuess(stated_code, "catalogue")
    return LanguageGuess("en", "default")
