"""Reader for Nesta's ESCO↔O*NET occupation crosswalk, and resolution of its codes to a loaded O*NET release."""

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credpath.errors import IngestError
from credpath.sources.csvfiles import file_digest, is_null, read_csv

__all__ = ["CrosswalkData", "read_crosswalk", "resolve_onet_codes"]

Row = dict[str, Any]
_REQUIRED = [
    "esco_occupation",
    "onet_code",
    "onet_occupation",
    "matching_job_titles",
    "semantic_similarity",
    "confidence",
    "concept_uri",
]


@dataclass(frozen=True, slots=True)
class CrosswalkData:
    """Crosswalk rows keyed by column name."""

    content_hash: str
    rows: list[Row]


def _optional_float(path: Path, line: int, value: str, column: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise IngestError(str(path), line, f"{column} is not a number: {value!r}") from None


def _titles(path: Path, line: int, value: str) -> list[str]:
    if is_null(value):
        return []
    try:
        parsed = ast.literal_eval(value)  # a Python list literal as published; literal_eval runs no code
    except (ValueError, SyntaxError):
        raise IngestError(str(path), line, f"matching_job_titles is not a list literal: {value[:60]!r}") from None
    if isinstance(parsed, int | float):
        # One published row carries its ISCO code here instead of a list; the mapping itself is sound.
        return []
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise IngestError(str(path), line, "matching_job_titles is not a list of strings")
    return parsed


def read_crosswalk(path: Path) -> CrosswalkData:
    """Read the crosswalk CSV (one row per ESCO occupation).

    Raises:
        IngestError: malformed rows, or the same ESCO occupation twice.
    """
    rows: dict[str, Row] = {}
    for line, row in read_csv(path, _REQUIRED):
        uri, code = row["concept_uri"].strip(), row["onet_code"].strip()
        if not uri.startswith("http") or not code:
            raise IngestError(str(path), line, "concept_uri must be an ESCO URI and onet_code non-empty")
        if uri in rows:
            raise IngestError(str(path), line, f"ESCO occupation {uri} mapped twice")
        rows[uri] = {
            "esco_occupation_id": uri,
            "onet_code": code,
            "onet_title": row["onet_occupation"].strip(),
            "onet_occupation_id": None,
            "resolution": None,
            "confidence": _optional_float(path, line, row["confidence"], "confidence"),
            "semantic_similarity": _optional_float(path, line, row["semantic_similarity"], "semantic_similarity"),
            "matching_job_titles": _titles(path, line, row["matching_job_titles"]),
        }
    return CrosswalkData(content_hash=file_digest([path]), rows=list(rows.values()))


def resolve_onet_codes(
    rows: list[Row], titles: Mapping[str, str], alternate_titles: Mapping[str, set[str]]
) -> dict[str, int]:
    """Point each row at an occupation of the loaded O*NET release; return counts per method.

    The crosswalk predates O*NET's SOC 2018 codes, so ~19% of its codes no longer exist. In order of
    trust: the same code; the same title (codes were renumbered, titles mostly kept); a unique
    alternate title; the 6-digit SOC group's ``.00`` occupation (or its only one). Rows still
    unresolved keep ``onet_occupation_id=None`` rather than a guess.

    Args:
        rows: crosswalk rows (mutated in place: ``onet_occupation_id`` and ``resolution``).
        titles: loaded O*NET code → title.
        alternate_titles: lower-cased alternate title → codes that list it.
    """
    by_title = {title.casefold(): code for code, title in titles.items()}
    by_group: dict[str, list[str]] = {}
    for code in titles:
        by_group.setdefault(code[:7], []).append(code)
    counts = {"exact": 0, "title": 0, "alternate_title": 0, "soc_prefix": 0, "unresolved": 0}
    for row in rows:
        code, title = row["onet_code"], row["onet_title"].casefold()
        group = sorted(by_group.get(code[:7], []))
        resolved: tuple[str | None, str | None]
        if code in titles:
            resolved = (code, "exact")
        elif title in by_title:
            resolved = (by_title[title], "title")
        elif len(alternate_titles.get(title, ())) == 1:
            resolved = (next(iter(alternate_titles[title])), "alternate_title")
        elif group:
            resolved = (f"{code[:7]}.00" if f"{code[:7]}.00" in group else group[0], "soc_prefix")
        else:
            resolved = (None, None)
        row["onet_occupation_id"], row["resolution"] = resolved
        counts[resolved[1] or "unresolved"] += 1
    return counts
