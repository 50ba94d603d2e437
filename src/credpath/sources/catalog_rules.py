"""Normalisation rules for scraped catalogues: durations, levels, kinds, tags, counts, edX repairs, language.

All functions are pure and deterministic; each rule was measured on the four shipped catalogues
(counts in the README's data section) and is exercised by ``tests/unit/test_catalog_rules.py``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

# ---------------------------------------------------------------------------------------------
# Duration
# ---------------------------------------------------------------------------------------------
# Coursera states durations of specializations / certificates as "N months at 10 hours a week"
# (e.g. Google Data Analytics: "under 6 months at 10 hours a week"); its duration filter buckets
# ("1 - 4 Weeks", "1 - 3 Months", ...) use the same pace. We therefore convert every calendar range
# to hours at this pace. NB: for degrees (years) real workloads are usually higher (part-time
# 15-20 h/week), so those values are a lower bound; they are still monotone, which is what ranking needs.
HOURS_PER_WEEK: float = 10.0
WEEKS_PER_MONTH: float = 52.0 / 12.0  # 4.333...
WEEKS_PER_YEAR: float = 52.0
HOURS_PER_DAY: float = HOURS_PER_WEEK / 7.0  # same pace expressed per calendar day

_UNIT_HOURS: dict[str, float] = {
    "hour": 1.0,
    "day": HOURS_PER_DAY,
    "week": HOURS_PER_WEEK,
    "month": HOURS_PER_WEEK * WEEKS_PER_MONTH,
    "year": HOURS_PER_WEEK * WEEKS_PER_YEAR,
}
_UNIT_ALIASES: dict[str, str] = {
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "hora": "hour",
    "horas": "hour",
    "heure": "hour",
    "heures": "hour",
    "day": "day",
    "days": "day",
    "dia": "day",
    "dias": "day",
    "día": "day",
    "días": "day",
    "jour": "day",
    "jours": "day",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "semana": "week",
    "semanas": "week",
    "semaine": "week",
    "semaines": "week",
    "month": "month",
    "months": "month",
    "mes": "month",
    "meses": "month",
    "mois": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
    "año": "year",
    "años": "year",
    "ano": "year",
    "anos": "year",
    "an": "year",
    "ans": "year",
}
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION_RE = re.compile(
    r"^(?P<lt>less\s+than|under|up\s+to|menos\s+de|moins\s+de)?\s*"
    + _NUM
    + r"(?:\s*(?:-|to|a|or|ou|o|à)\s*"
    + _NUM
    + r")?\s*(?P<plus>\+)?\s*(?P<unit>[a-záéíóúñ]+)\b"
)
_PER_WEEK_RE = re.compile(r"(/\s*wk|/\s*week|per\s+week|a\s+week|por\s+semana|hours?\s+of\s+study)")


def _num(s: str) -> float:
    """'1,5' / '1.5' -> 1.5."""
    return float(s.replace(",", "."))


def parse_duration_hours(text: str) -> float | None:
    """Map a catalogue duration string to representative hours (range midpoint x pace); unknown -> None.

    >>> parse_duration_hours("Less Than 2 Hours"), parse_duration_hours(" 1 - 4 Weeks")
    (1.0, 25.0)
    >>> round(parse_duration_hours("3 - 6 Months"), 1), round(parse_duration_hours("18 a 24 meses"), 1)
    (195.0, 910.0)
    >>> parse_duration_hours("None"), parse_duration_hours("15+ hours of study/wk per course")
    (None, None)
    """
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip().lower().rstrip(".").strip()
    t = re.sub(r"[\u2012\u2013\u2014\u2015\u2212]", "-", t)  # en/em dashes, minus -> '-'
    t = re.sub(r"\s+", " ", t)
    if not t or t in {"none", "nan", "n/a", "null"}:
        return None
    if _PER_WEEK_RE.search(t):  # a pace, not a total duration
        return None
    m = _DURATION_RE.match(t)
    if not m:
        return None
    unit = _UNIT_ALIASES.get(m.group("unit"))
    if unit is None:
        return None
    lo = _num(m.group(2))
    hi = _num(m.group(3)) if m.group(3) else None
    if m.group("lt"):
        value = lo / 2.0  # "less than N" -> midpoint of (0, N)
    elif hi is not None:
        if hi < lo:
            return None
        value = (lo + hi) / 2.0
    else:
        value = lo  # single value; "N+" is taken as N (lower bound)
    return round(value * _UNIT_HOURS[unit], 4)


# ---------------------------------------------------------------------------------------------
# Level / kind
# ---------------------------------------------------------------------------------------------
_LEVELS: dict[str, str] = {
    "beginner": "beginner",
    "introductory": "beginner",
    "introduction": "beginner",
    "basic": "beginner",
    "principiante": "beginner",
    "iniciante": "beginner",
    "básico": "beginner",
    "basico": "beginner",
    "débutant": "beginner",
    "debutant": "beginner",
    "elementary": "beginner",
    "intermediate": "intermediate",
    "intermedio": "intermediate",
    "intermediário": "intermediate",
    "intermediario": "intermediate",
    "intermédiaire": "intermediate",
    "intermediaire": "intermediate",
    "advanced": "advanced",
    "avanzado": "advanced",
    "avançado": "advanced",
    "avancado": "advanced",
    "avancé": "advanced",
    "avance": "advanced",
    "expert": "advanced",
    "mixed": "mixed",
    "all levels": "mixed",
    "all": "mixed",
    "mixto": "mixed",
    "misto": "mixed",
}


def normalise_level(text: str) -> str | None:
    """Map a level label to beginner/intermediate/advanced/mixed; anything else (e.g. 'None', 'Course') -> None.

    >>> [normalise_level(x) for x in ("Beginner ", "Introductory", "Mixed", "Course", "")]
    ['beginner', 'beginner', 'mixed', None, None]
    """
    t = re.sub(r"\s+", " ", (text or "").strip().lower())
    t = re.sub(r"\s*level$", "", t)
    return _LEVELS.get(t)


_KIND_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"guided\s*project"), "guided_project"),
    (re.compile(r"micro\s*masters"), "micromasters"),
    (re.compile(r"x\s*series"), "xseries"),
    (re.compile(r"master\s*track"), "mastertrack"),
    (re.compile(r"post\s*-?\s*graduate\s*diploma"), "postgraduate_diploma"),
    (re.compile(r"graduate\s*certificate"), "graduate_certificate"),
    (re.compile(r"university\s*certificate"), "university_certificate"),
    (re.compile(r"professional\s*certificate"), "professional_certificate"),
    (re.compile(r"speciali[sz]ation"), "specialization"),
    (re.compile(r"\b(degree|bachelor'?s?|master'?s?|mba|msc|bsc|ms|ma|ba)\b"), "degree"),
    (re.compile(r"\bproject\b"), "project"),
    (re.compile(r"\bcourse\b"), "course"),
]


def normalise_kind(text: str) -> str:
    """Map a learning-product / certificate type label to the credpath kind vocabulary ('other' if unknown).

    >>> [normalise_kind(x) for x in (" Professional Certificate ", "Mastertrack ", "MicroMasters® Program", "None")]
    ['professional_certificate', 'mastertrack', 'micromasters', 'other']
    """
    t = re.sub(r"[®™]", "", (text or "")).strip().lower()
    for pat, kind in _KIND_RULES:
        if pat.search(t):
            return kind
    return "other"


# ---------------------------------------------------------------------------------------------
# Tags / counts / ratings
# ---------------------------------------------------------------------------------------------
# Skill names that themselves contain commas (Coursera taxonomy); kept as one tag.
_PROTECTED_TAGS: tuple[str, ...] = ("Extract, Transform, Load",)
_NONE_TOKENS: frozenset[str] = frozenset({"none", "nan", "null", "n/a", "na", "-"})


def split_tags(text: str) -> list[str]:
    """Split a comma-separated skill list: trim, drop empty/'None', dedupe case-insensitively keeping order.

    Oxford-comma skill names ('Law, Regulation, and Compliance') and 'Extract, Transform, Load' stay whole.

    >>> split_tags(" SQL, Python,  , None, sql, Law, Regulation, and Compliance, Extract, Transform, Load")
    ['SQL', 'Python', 'Law, Regulation, and Compliance', 'Extract, Transform, Load']
    """
    if not text:
        return []
    t = unicodedata.normalize("NFKC", text)
    holders: dict[str, str] = {}
    for i, phrase in enumerate(_PROTECTED_TAGS):
        key = f"\x00{i}\x00"
        if phrase in t:
            t = t.replace(phrase, key)
            holders[key] = phrase
    pieces = [p.strip() for p in t.split(",")]
    merged: list[str] = []
    for p in pieces:
        if p.startswith("and ") and len(merged) >= 2 and merged[-1] and merged[-2]:
            last2 = merged[-2:]
            del merged[-2:]
            merged.append(", ".join([*last2, p]))
        else:
            merged.append(p)
    out: list[str] = []
    seen: set[str] = set()
    for p in merged:
        p = holders.get(p, p)
        p = re.sub(r"\s+", " ", p).strip()
        if not p or p.lower() in _NONE_TOKENS:
            continue
        k = p.casefold()
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


_COUNT_RE = re.compile(r"^(\d+(?:[.,]\d+)*)\s*([kmb])?$", re.IGNORECASE)
_MULT: dict[str, int] = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(text: str) -> int | None:
    """Parse review/enrolment counts: '47K', '1.2M', '700,909', '21400.0', '6' -> int; ''/'NaN'/junk -> None.

    A comma followed by exactly 3 digits is a thousands separator; '21400.0' is a float rendering.

    >>> [parse_count(x) for x in ("47K", "1.2M", "700,909", "21400.0", "", "NaN", "1.4k", "12 reviews")]
    [47000, 1200000, 700909, 21400, None, None, 1400, 12]
    """
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip().replace("\u00a0", " ")
    t = re.sub(r"\s*(reviews?|ratings?|students?|learners?|enrolled|already enrolled)\s*$", "", t, flags=re.I)
    t = t.strip("() ")
    m = _COUNT_RE.match(t)
    if not m:
        return None
    num, suffix = m.group(1), (m.group(2) or "").lower()
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", num):
        num = num.replace(",", "")
    elif "," in num:
        if num.count(",") == 1 and "." not in num:
            num = num.replace(",", ".")  # decimal comma, e.g. '1,2K'
        else:
            return None
    try:
        value = float(num) * _MULT[suffix]
    except ValueError:
        return None
    if math.isnan(value) or value < 0:
        return None
    return round(value)


def parse_rating(text: str) -> float | None:
    """Parse a 0-5 star rating; out-of-range, 'NaN', empty or junk -> None.

    >>> [parse_rating(x) for x in ("4.8", " 5.0 ", "NaN", "", "4,5", "7")]
    [4.8, 5.0, None, None, 4.5, None]
    """
    if text is None:
        return None
    t = str(text).strip().replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", t):
        return None
    v = float(t)
    return v if 0.0 <= v <= 5.0 else None


# ---------------------------------------------------------------------------------------------
# edX institution / programs
# ---------------------------------------------------------------------------------------------
_ELLIPSIS_RE = re.compile(r"(\u2026|\.\.\.)\s*$")
_SMALL_WORDS: frozenset[str] = frozenset(
    [
        "of",
        "and",
        "the",
        "de",
        "del",
        "la",
        "las",
        "los",
        "at",
        "for",
        "in",
        "on",
        "di",
        "degli",
        "delle",
        "des",
        "du",
        "y",
        "e",
        "et",
        "da",
        "do",
        "dos",
        "das",
        "von",
        "und",
        "fur",
        "für",
    ]
)


def _fold(s: str) -> str:
    """Lower-case, strip accents, keep only [a-z0-9]."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _slug_tokens(link: str) -> list[str]:
    """'https://www.edx.org/learn/x/the-univ-of-y-title' -> ['the','univ','of','y','title']."""
    path = re.sub(r"[?#].*$", "", link or "").rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return [t for t in last.lower().split("-") if t]


def _cap(tok: str) -> str:
    """Capitalise a slug word for display (small words lower, roman numerals / alnum codes upper)."""
    if tok in _SMALL_WORDS:
        return tok
    if re.fullmatch(r"[ivx]+", tok) or (re.search(r"\d", tok) and re.search(r"[a-z]", tok)):
        return tok.upper()
    return tok[:1].upper() + tok[1:]


def _complete_from_slug(prefix: str, inst_tokens: list[str]) -> str | None:
    """Align the truncated prefix to the institution slug words and append the missing words.

    Also inserts a space where the slug has a word boundary but the prefix has none ('CollegePark').
    """
    out: list[str] = []
    ti, ci = 0, 0
    for ch in prefix:
        f = _fold(ch)
        if not f:
            out.append(ch)
            continue
        for c in f:
            if ti < len(inst_tokens) and ci == len(inst_tokens[ti]):
                ti, ci = ti + 1, 0
                if out and out[-1].isalnum():
                    out.append(" ")
            if ti >= len(inst_tokens) or inst_tokens[ti][ci] != c:
                return None
            ci += 1
        out.append(ch)
    if ti >= len(inst_tokens):
        return None
    result = "".join(out).rstrip()
    result += inst_tokens[ti][ci:]
    for tok in inst_tokens[ti + 1 :]:
        result += " " + _cap(tok)
    return result


def restore_edx_institution(  # noqa: C901 - a sequence of guarded fallbacks reads best inline
    truncated: str, link: str, known_full_names: Iterable[str], title: str | None = None
) -> str:
    """Restore an edX institution cut with '…' (returns the input unchanged if not truncated or not restorable).

    1. Unique known full name whose folded form starts with the folded prefix (preferring one equal to the
       institution part of the URL slug). 2. Else complete the prefix from the URL slug
       ``/learn/<subject>/<institution-slug>-<title-slug>``; the institution/title boundary is found with
       ``title`` when given (slug remainder must equal/extend the folded title), else the shortest completion.

    >>> restore_edx_institution("Massachusetts Institute of Techn…",
    ...     "https://www.edx.org/learn/biology/massachusetts-institute-of-technology-introduction-to-biology", [])
    'Massachusetts Institute of Technology'
    >>> restore_edx_institution("The London School of Economics…",
    ...     "https://www.edx.org/learn/math/the-london-school-of-economics-and-political-science-mathematics-1",
    ...     [], title="Mathematics 1")
    'The London School of Economics and Political Science'
    >>> restore_edx_institution("Harvard University", "", [])
    'Harvard University'
    """
    if not truncated or not _ELLIPSIS_RE.search(truncated):
        return truncated
    prefix = _ELLIPSIS_RE.sub("", truncated).rstrip()
    fp = _fold(prefix)
    if not fp:
        return truncated
    tokens = _slug_tokens(link)
    # candidate institution slugs: tokens[:k] whose folded join starts with the folded prefix
    splits: list[int] = []
    for k in range(1, len(tokens) + 1):
        joined = "".join(tokens[:k])
        if joined.startswith(fp) or (fp.startswith(joined) and k == len(tokens)):
            if len(joined) >= len(fp):
                splits.append(k)
        elif not fp.startswith(joined):
            break
    if title:
        ft = _fold(re.split(r"\u2026|\.\.\.", title)[0])
        titled = [k for k in splits if ft and "".join(tokens[k:]).startswith(ft[: max(1, len(ft))])]
        if not titled and ft:  # title itself truncated/garbled: accept a remainder that the title starts with
            titled = [k for k in splits if "".join(tokens[k:]) and ft.startswith("".join(tokens[k:])[: len(ft)])]
        splits = titled or ([] if ft else splits)
    slug_inst = "".join(tokens[: splits[0]]) if splits else None
    # 1) known full names
    cands = sorted(
        {
            n.strip()
            for n in known_full_names
            if n and not _ELLIPSIS_RE.search(n) and _fold(n).startswith(fp) and len(_fold(n)) > len(fp)
        }
    )
    if slug_inst is not None:
        exact = [n for n in cands if _fold(n) == slug_inst]
        if len(exact) == 1:
            return exact[0]
        if cands and not exact:
            cands = []  # known names disagree with the slug: trust the slug
    if len(cands) == 1:
        return cands[0]
    # 2) URL slug
    if splits:
        restored = _complete_from_slug(prefix, tokens[: splits[0]])
        if restored and _fold(restored) != fp:
            return restored
        if restored and restored != prefix:  # only spacing fixed (e.g. 'CollegePark' -> 'College Park')
            return restored
    return truncated


_PROGRAM_MARKER = (
    r"(?:Professional\s*Certificate|MicroMasters®?\s*Program|MicroBachelors®?\s*Program|XSeries"
    r"|Master'?s?\s*Degree|Bachelor'?s?\s*Degree)"
)
_PROGRAM_SPLIT_RE = re.compile(r"(?=" + _PROGRAM_MARKER + r"\s*in)")
_PROGRAM_PART_RE = re.compile(r"^(" + _PROGRAM_MARKER + r")\s*in\s*(.+)$", re.S)


def split_edx_programs(text: str) -> list[str]:
    """Split edX 'associatedprograms' run-together text into 'Type in Name' strings (deduped, order kept).

    >>> split_edx_programs("MicroMasters®PrograminBusiness LeadershipProfessional Certificate inApplied AI")
    ['MicroMasters® Program in Business Leadership', 'Professional Certificate in Applied AI']
    >>> split_edx_programs("None")
    []
    """
    t = (text or "").strip()
    if not t or t.lower() in _NONE_TOKENS:
        return []
    out: list[str] = []
    for part in _PROGRAM_SPLIT_RE.split(t):
        part = part.strip()
        if not part:
            continue
        m = _PROGRAM_PART_RE.match(part)
        if m:
            kind = re.sub(r"(®)?\s*(Program|Degree)$", lambda x: (x.group(1) or "") + " " + x.group(2), m.group(1))
            kind = re.sub(r"\s+", " ", re.sub(r"Professional\s*Certificate", "Professional Certificate", kind)).strip()
            part = f"{kind} in {re.sub(r'  +', ' ', m.group(2)).strip()}"
        if part not in out:
            out.append(part)
    return out


# ---------------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------------
_EN_STOP: frozenset[str] = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "for",
        "with",
        "on",
        "is",
        "are",
        "this",
        "that",
        "you",
        "your",
        "how",
        "from",
        "by",
        "an",
        "be",
        "will",
        "what",
        "it",
        "as",
        "at",
        "or",
        "into",
        "using",
        "can",
        "about",
        "we",
        "our",
        "through",
        "which",
        "these",
        "their",
        "have",
        "has",
        "learn",
        "learning",
        "introduction",
        "course",
        "skills",
    ]
)
# Function words of es/pt/fr/de/it that are NOT English words (ambiguous ones like 'a', 'e', 'in', 'no',
# 'die', 'per', 'son', 'come' are excluded on purpose).
_FOREIGN_STOP: frozenset[str] = frozenset(
    [
        "de",
        "la",
        "el",
        "los",
        "las",
        "del",
        "y",
        "en",
        "para",
        "por",
        "con",
        "una",
        "un",
        "que",
        "es",
        "al",
        "se",
        "su",
        "sus",
        "como",
        "este",
        "esta",
        "más",
        "sobre",
        "entre",
        "do",
        "da",
        "dos",
        "das",
        "em",
        "na",
        "nas",
        "nos",
        "um",
        "uma",
        "você",
        "seu",
        "sua",
        "não",
        "são",
        "ao",
        "pelo",
        "pela",
        "com",
        "mais",
        "também",
        "le",
        "les",
        "des",
        "du",
        "et",
        "pour",
        "dans",
        "sur",
        "avec",
        "est",
        "une",
        "au",
        "aux",
        "ce",
        "cette",
        "qui",
        "vous",
        "nous",
        "pas",
        "votre",
        "vos",
        "der",
        "und",
        "für",
        "mit",
        "den",
        "dem",
        "das",
        "ist",
        "ein",
        "eine",
        "zu",
        "von",
        "im",
        "auf",
        "nicht",
        "sie",
        "wir",
        "ihr",
        "oder",
        "il",
        "di",
        "della",
        "delle",
        "dei",
        "degli",
        "che",
        "gli",
        "alla",
        "nel",
        "nella",
        "sono",
    ]
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


# ---------------------------------------------------------------------------------------------
# Description misalignment (azrai99)
# ---------------------------------------------------------------------------------------------
_MIS_STOP: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "for",
        "on",
        "with",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "be",
        "this",
        "that",
        "these",
        "those",
        "you",
        "your",
        "we",
        "our",
        "it",
        "its",
        "will",
        "can",
        "into",
        "how",
        "what",
        "which",
        "who",
        "about",
        "through",
        "their",
        "they",
        "them",
        "has",
        "have",
        "not",
        "no",
        "more",
        "most",
        "all",
        "any",
        "learn",
        "learning",
        "course",
        "courses",
        "specialization",
        "certificate",
        "program",
        "professional",
        "skills",
        "skill",
        "also",
        "use",
        "using",
    ]
)
# Flag when the description's cosine with its own (title+skills) is below this fraction of its best
# cosine with any other row's (title+skills). Chosen on a hand-labelled sample of 70 rows (see report.md).
MISALIGN_RATIO: float = 0.6


def _mis_tokens(s: str) -> list[str]:
    """Lower-case alnum tokens, stopwords removed, naive plural stripping."""
    out: list[str] = []
    for w in re.findall(r"[a-z0-9]+", _fold_keep_space(s)):
        if len(w) < 2 or w in _MIS_STOP:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def _fold_keep_space(s: str) -> str:
    """Lower-case and strip accents, keeping separators."""
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def _tfidf(docs: list[list[str]], idf: dict[str, float]) -> list[dict[str, float]]:
    """Sublinear-tf TF-IDF, L2-normalised sparse vectors."""
    vecs: list[dict[str, float]] = []
    for d in docs:
        c = Counter(d)
        v = {w: (1.0 + math.log(n)) * idf[w] for w, n in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    return vecs


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def description_alignment(rows: Sequence[tuple[str, str, str]]) -> list[tuple[float, float, int] | None]:
    """Per row: (cosine with own title+skills, best cosine with another row, that row); None if no description."""
    prof = [_mis_tokens(f"{t} {s}") for t, s, _ in rows]
    desc = [_mis_tokens(d) for _, _, d in rows]
    df: Counter[str] = Counter()
    for toks in prof + desc:
        df.update(set(toks))
    n_docs = 2 * len(rows)
    idf = {w: math.log((n_docs + 1) / (c + 1)) + 1.0 for w, c in df.items()}
    pv, dv = _tfidf(prof, idf), _tfidf(desc, idf)
    out: list[tuple[float, float, int] | None] = []
    for i, d in enumerate(dv):
        if not rows[i][2].strip():
            out.append(None)
            continue
        own = _cos(d, pv[i])
        best, best_j = -1.0, -1
        for j, p in enumerate(pv):
            if j != i:
                s = _cos(d, p)
                if s > best:
                    best, best_j = s, j
        out.append((own, max(best, 0.0), best_j))
    return out


def misaligned_descriptions(rows: Sequence[tuple[str, str, str]]) -> set[int]:
    """Indexes whose non-empty description fits another row's title+skills clearly better than its own.

    Rule: cos(desc_i, title_i+skills_i) < MISALIGN_RATIO * max_{j!=i} cos(desc_i, title_j+skills_j), TF-IDF.
    Non-English descriptions are flagged iff the title looks English (language mismatch).
    Empty descriptions are never flagged (they are 'missing', not misaligned).

    >>> rows = [("Python Programming Basics", "Python, Programming", "Learn Python programming basics: loops."),
    ...         ("Marketing Strategy", "Marketing, Branding", "Learn Python programming and loops in Python."),
    ...         ("Financial Accounting", "Accounting, Finance", "Accounting and finance fundamentals for managers.")]
    >>> sorted(misaligned_descriptions(rows))
    [1]
    """
    flagged: set[int] = set()
    for i, r in enumerate(description_alignment(rows)):
        if r is None:
            continue
        title, _, desc = rows[i]
        if looks_non_english(desc):
            # token overlap is meaningless across languages/scripts: flag only a language mismatch
            if not looks_non_english(title):
                flagged.add(i)
            continue
        own, best, _ = r
        if own < MISALIGN_RATIO * best:
            flagged.add(i)
    return flagged
