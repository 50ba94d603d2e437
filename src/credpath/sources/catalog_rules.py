"""Normalisation rules for scraped catalogue cells: durations, levels, kinds, tags, counts and ratings.

All functions are pure and deterministic; each rule was measured on the four shipped catalogues
(counts in the README's data section) and is exercised by ``tests/unit/sources/test_catalog_rules.py``.
Source-specific repairs live beside it: ``edx_repairs`` (institutions, programs), ``language``
(non-English titles and descriptions) and ``misalignment`` (descriptions of another course).
"""

from __future__ import annotations

import math
import re
import unicodedata

from credpath.sources.csvfiles import is_null

__all__ = [
    "HOURS_PER_WEEK",
    "normalise_kind",
    "normalise_level",
    "parse_count",
    "parse_duration_hours",
    "parse_rating",
    "split_tags",
]

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
    if is_null(t):
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
# A review count scraped into the skills column ("(36.9k reviews)": 107 rows of the certificate-types
# catalogue, where a course lists no skills) is not a skill; it pulled those courses' vectors together.
_REVIEW_COUNT = re.compile(r"^\(?\s*[\d.,]+\s*[kmb]?\s+reviews?\s*\)?$", re.IGNORECASE)
# Skill names that themselves contain commas (Coursera taxonomy); kept as one tag.
_PROTECTED_TAGS: tuple[str, ...] = ("Extract, Transform, Load",)


def split_tags(text: str) -> list[str]:
    """Split a comma-separated skill list: trim, drop empty/'None' and review counts, dedupe case-insensitively.

    Oxford-comma skill names ('Law, Regulation, and Compliance') and 'Extract, Transform, Load' stay whole.

    >>> split_tags(" SQL, Python,  , None, sql, Law, Regulation, and Compliance, Extract, Transform, Load")
    ['SQL', 'Python', 'Law, Regulation, and Compliance', 'Extract, Transform, Load']
    >>> split_tags("(36.9k reviews)"), split_tags("(638 reviews)")
    ([], [])
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
        if is_null(p) or _REVIEW_COUNT.match(p):
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
