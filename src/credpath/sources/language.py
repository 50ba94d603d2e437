"""Language detection for catalogue titles and descriptions: function-word counts and script markers.

The scraped Coursera catalogues carry no language column, so credpath flags a text as non-English
when its script is not Latin, when it carries an explicit language-version marker, or when function
words of Spanish, Portuguese, French, German or Italian outnumber English ones. Pure and deterministic.
"""

import re
import unicodedata

__all__ = ["looks_non_english"]

_EN_STOP: frozenset[str] = frozenset(
    """
    the and of to in for with on is are this that you your how from by an be will what it as at or into
    using can about we our through which these their have has learn learning introduction course skills
    """.split()  # noqa: SIM905 - a word list reads best as words
)
# Function words of es/pt/fr/de/it that are NOT English words (ambiguous ones like 'a', 'e', 'in', 'no',
# 'die', 'per', 'son', 'come' are excluded on purpose).
_FOREIGN_STOP: frozenset[str] = frozenset(
    """
    de la el los las del y en para por con una un que es al se su sus como este esta más sobre entre do da
    dos das em na nas nos um uma você seu sua não são ao pelo pela com mais também le les des du et pour
    dans sur avec est une au aux ce cette qui vous nous pas votre vos der und für mit den dem ist ein eine
    zu von im auf nicht sie wir ihr oder il di della delle dei degli che gli alla nel nella sono
    """.split()  # noqa: SIM905 - a word list reads best as words
)
_LATIN_EXT_RE = re.compile(r"[ñãõçáíóúâêôàèìòùäöüßœ¿¡]", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Explicit language-version markers used in Coursera titles ("... en Español", "(DE)", "日本語版").
_LANG_MARKER_RE = re.compile(
    r"\b(?:en|em|in)\s+(?:español|espanol|français|francais|português|portugues|deutsch)\b"
    r"|\s-\s(?:français|español|português)\b|日本語",
    re.IGNORECASE,
)
_LANG_CODE_RE = re.compile(r"\((?:DE|PT|ES|FR)\)")  # case-sensitive: '(IT)' is Information Technology


def looks_non_english(text: str) -> bool:
    """Heuristic language flag: non-Latin script, or foreign function words outnumber English ones.

    Short text also: explicit version markers ('... en Español', '(DE)', '日本語版') or >= 3 non-Latin letters.
    Long text (>= 12 words): foreign stopwords > English stopwords and >= 5 % of words.
    Short text (titles): >= 1 foreign stopword and it beats English, or no English stopword at all but
    letters typical of es/pt/fr/de (ñ ã ç é ü ...).

    >>> looks_non_english("Prepare-se para uma nova carreira no campo de alto crescimento")
    True
    >>> looks_non_english("Prepare for a new career in the high-growth field of project management")
    False
    >>> looks_non_english("Искусственный Интеллект"), looks_non_english("Marchés financiers"), looks_non_english("")
    (True, True, False)
    """
    if not text or not text.strip():
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    words = [w.lower() for w in _WORD_RE.findall(text)]
    short = len(words) < 12
    if short and (_LANG_MARKER_RE.search(text) or _LANG_CODE_RE.search(text)):
        return True
    non_latin = sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN"))
    if (short and non_latin >= 3) or non_latin / len(letters) > 0.3:
        return True
    if not words:
        return False
    en = sum(1 for w in words if w in _EN_STOP)
    fo = sum(1 for w in words if w in _FOREIGN_STOP)
    if len(words) >= 12:
        return fo > en and fo >= 0.05 * len(words)
    if fo >= 1 and fo > en:
        return True
    return en == 0 and fo == 0 and bool(_LATIN_EXT_RE.search(text) or re.search(r"[éè]", text))
