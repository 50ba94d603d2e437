"""Helpers every standard's parser shares: JSON paths, ISO 8601 durations, language maps, absolute URIs.

Example:
    >>> json_path(["credentialSubject", "achievement", "alignment", 2, "targetUrl"])
    '$.credentialSubject.achievement.alignment[2].targetUrl'
    >>> iso_duration_hours("PT40H"), iso_duration_hours("P6W"), iso_duration_hours("P1DT2H30M")
    (40.0, 60.0, 3.93)
    >>> text_value({"en-US": "Data analysis", "fr": "Analyse"}), text_value(["a", "b"])
    ('Data analysis', 'a')
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from credpath.errors import DocumentError
from credpath.sources.catalog_rules import HOURS_PER_DAY, HOURS_PER_WEEK, WEEKS_PER_MONTH, WEEKS_PER_YEAR

__all__ = ["as_list", "is_absolute_uri", "iso_duration_hours", "json_path", "require", "text_value"]

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<Mo>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?(?:(?P<D>\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<Mi>\d+(?:\.\d+)?)M)?(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
# Hours stated as hours are study time; calendar units take the study pace credpath's catalogues use
# (sources.catalog_rules: 10 hours a week), so a "P6W" course compares with a "6 weeks" Coursera one.
_HOURS = {
    "Y": HOURS_PER_WEEK * WEEKS_PER_YEAR,
    "Mo": HOURS_PER_WEEK * WEEKS_PER_MONTH,
    "W": HOURS_PER_WEEK,
    "D": HOURS_PER_DAY,
    "H": 1.0,
    "Mi": 1 / 60,
    "S": 1 / 3600,
}


def json_path(parts: Iterable[str | int]) -> str:
    """A JSONPath (``$.a.b[2].c``) from keys and list positions."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][\w-]*", part):
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


def iso_duration_hours(text: str) -> float | None:
    """Hours in an ISO 8601 duration (``PT40H``, ``P6W``); ``None`` when it is not one."""
    match = _DURATION.match(text.strip())
    if not match:
        return None
    hours = sum(float(value) * _HOURS[unit] for unit, value in match.groupdict().items() if value)
    return round(hours, 2)


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list (a single value is a list of one; absent is empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def text_value(value: Any, languages: Sequence[str] = ("en", "en-US", "en-GB")) -> str | None:
    """A plain string from a string, a language map (English first), a ``@value`` object or a list of those."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            if (found := text_value(item, languages)) is not None:
                return found
        return None
    if isinstance(value, dict):
        if "@value" in value:
            return text_value(value["@value"], languages)
        for language in languages:
            if language in value and (found := text_value(value[language], languages)):
                return found
        for item in value.values():
            if (found := text_value(item, languages)) is not None:
                return found
    return None


def is_absolute_uri(value: Any) -> bool:
    """Whether ``value`` is an absolute URI (a scheme and, for http(s), a host)."""
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    if not parts.scheme or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme):
        return False
    return bool(parts.netloc) if parts.scheme in {"http", "https"} else bool(parts.path or parts.netloc)


def require(condition: bool, path: Sequence[str | int], message: str) -> None:
    """Raise a :class:`DocumentError` at ``path`` unless ``condition`` holds.

    Raises:
        DocumentError: the condition failed.
    """
    if not condition:
        raise DocumentError(json_path(path), message)
