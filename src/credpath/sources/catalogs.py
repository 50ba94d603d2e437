"""Readers for credential catalogues: the three Coursera scrape layouts, edX, and credpath's own CSV.

Every reader returns normalised credential rows plus counts of what it fixed, merged or rejected,
so an operator can see what the known-bad rows of each source (its SOURCE.md) turned into.

The module runs past 400 lines on purpose: each of the five layouts needs its column list and its
converter, and all of them go through one merge, repair and hashing sequence that reads best in one
place. The cell rules, edX repairs, language test and misalignment test it calls live in their own modules.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credpath.errors import IngestError
from credpath.sources import catalog_rules as rules
from credpath.sources.csvfiles import file_digest, is_null, read_csv
from credpath.sources.edx_repairs import repair_run_together_title, restore_edx_institution, split_edx_programs
from credpath.sources.labels import search_text, slugify
from credpath.sources.language import looks_non_english
from credpath.sources.languages import detect_language
from credpath.sources.misalignment import misaligned_descriptions
from credpath.vocabulary import CREDENTIAL_KINDS

__all__ = ["CATALOG_FORMATS", "READER_VERSION", "CatalogData", "credential_id", "read_catalog", "visible_text"]

Row = dict[str, Any]

CATALOG_FORMATS = ("coursera", "edx", "csv")
# Bumped whenever reading a catalogue changes what is stored for an unchanged file. 2: non-English titles whose
# languages split the detector's confidence (sources.languages, session 35). 3: review counts are not tags.
# 4: titles whose words are commoner in another language than in English (sources.languages, session 40).
# 5: zero-width characters out of shown titles (visible_text, session 41).
READER_VERSION = 5

# credpath's own CSV layout (documented in the README): the minimum a portal must send.
GENERIC_REQUIRED = ["title", "provider"]
GENERIC_OPTIONAL = [
    "id",
    "kind",
    "level",
    "duration_hours",
    "cost",
    "currency",
    "language",
    "url",
    "description",
    "skills",
    "subjects",
]


@dataclass(frozen=True, slots=True)
class CatalogData:
    """Normalised credential rows of one catalogue and what reading it did."""

    source: str
    content_hash: str
    credentials: list[Row]
    notes: dict[str, int] = field(default_factory=dict)


def credential_id(source: str, provider: str, title: str, kind: str) -> tuple[str, str]:
    """Stable ``(id, source_key)``: readable slug plus a short hash so same-titled offerings never collide."""
    source_key = f"{provider}\x1f{title}\x1f{kind}"
    digest = hashlib.sha1(source_key.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{source}:{slugify(title)[:60]}-{digest}", source_key


def _canonical_key(platform: str, provider: str, title: str) -> str:
    return f"{platform}:{slugify(provider)}:{slugify(title)}"


def _credential(
    source: str,
    *,
    platform: str,
    title: str,
    provider: str,
    kind: str,
    level: str | None,
    duration_text: str | None,
    duration_hours: float | None,
    language: str | None,
    url: str | None = None,
    description: str | None = None,
    subjects: list[str] | None = None,
    skill_tags: list[str] | None = None,
    programs: list[str] | None = None,
    rating: float | None = None,
    review_count: int | None = None,
    enrolled: int | None = None,
    credit_eligible: bool | None = None,
    cost: float | None = None,
    currency: str | None = None,
    explicit_id: str | None = None,
) -> Row:
    identifier, source_key = credential_id(source, provider, title, kind)
    if explicit_id:
        identifier, source_key = f"{source}:{explicit_id}", explicit_id
    # The id keeps the title as published (ids are what judged sets and learners' records point at); what is
    # shown, searched and embedded is the title as a reader sees it.
    title = visible_text(title)
    tags = skill_tags or []
    return {
        "id": identifier,
        "source": source,
        "source_key": source_key,
        "canonical_key": _canonical_key(platform, provider, title),
        "title": title,
        "provider": provider,
        "platform": platform,
        "kind": kind,
        "level": level,
        "duration_hours": duration_hours,
        "duration_text": duration_text,
        "cost": cost,
        "currency": currency,
        "language": language,
        "language_source": None,
        "url": url,
        "description": description,
        "subjects": subjects or [],
        "skill_tags": tags,
        "programs": programs or [],
        "rating": rating,
        "review_count": review_count,
        "enrolled": enrolled,
        "credit_eligible": credit_eligible,
        "search_text": search_text([title, provider, *tags]),
    }


def _merge(existing: Row, new: Row) -> None:
    """Fold a duplicate listing into the first: union of subjects/tags/programs, first non-empty value wins."""
    for key in ("subjects", "skill_tags", "programs"):
        existing[key] = list(dict.fromkeys([*existing[key], *new[key]]))
    for key, value in new.items():
        if existing.get(key) in (None, "") and value not in (None, ""):
            existing[key] = value
    existing["search_text"] = search_text([existing["title"], existing["provider"], *existing["skill_tags"]])


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def visible_text(text: str) -> str:
    """``text`` without zero-width characters and soft hyphens, its spaces collapsed.

    Two Coursera titles carry zero-width spaces ("Information\u200b \u200bSystems"): invisible in a listing,
    but a search for "Information Systems" or a comparison of titles does not find them.

    Example:
        >>> visible_text("Information\u200b \u200bSystems"), visible_text("\u200b\u200bChurch Administration")
        ('Information Systems', 'Church Administration')
    """
    return " ".join(text.translate(_INVISIBLE).split())


def _clean(value: str) -> str:
    text = " ".join(value.split())
    return "" if is_null(text) else text


def _coursera_products(line: int, row: dict[str, str], source: str) -> Row:
    return _credential(
        source,
        platform="coursera",
        title=_clean(row["Title"]),
        provider=_clean(row["Institution"]),
        kind=rules.normalise_kind(row["Learning Product"]),
        level=rules.normalise_level(row["Level"]),
        duration_text=_clean(row["Duration"]) or None,
        duration_hours=rules.parse_duration_hours(row["Duration"]),
        language=None,
        subjects=[_clean(row["Subject"])] if _clean(row["Subject"]) else [],
        skill_tags=rules.split_tags(row["Gained Skills"]),
        rating=rules.parse_rating(row["Rate"]),
        review_count=rules.parse_count(row["Reviews"]),
    )


def _coursera_certtypes(line: int, row: dict[str, str], source: str) -> Row:
    eligible = row["crediteligibility"].strip().casefold()
    if _clean(row["certificatetype"]) == "" and _clean(row["duration"]) == "":
        # 23 rows are empty placeholders (type and duration "None", no skills or a shifted "Course").
        return {"_reject": "placeholder"}
    return _credential(
        source,
        platform="coursera",
        title=_clean(row["course"]),
        provider=_clean(row["partner"]),
        kind=rules.normalise_kind(row["certificatetype"]),
        level=rules.normalise_level(row["level"]),
        duration_text=_clean(row["duration"]) or None,
        duration_hours=rules.parse_duration_hours(row["duration"]),
        language=None,
        skill_tags=rules.split_tags(row["skills"]),
        rating=rules.parse_rating(row["rating"]),
        review_count=rules.parse_count(row["reviewcount"]),
        credit_eligible={"true": True, "false": False}.get(eligible),
    )


def _coursera_azrai99(line: int, row: dict[str, str], source: str) -> Row:
    return _credential(
        source,
        platform="coursera",
        title=_clean(row["Title"]),
        provider=_clean(row["Organization"]),
        kind=rules.normalise_kind(row["Type"]),
        level=rules.normalise_level(row["Difficulty"]),
        duration_text=_clean(row["Duration"]) or None,
        duration_hours=rules.parse_duration_hours(row["Duration"]),
        language=None,
        url=_clean(row["course_url"]) or None,
        description=_clean(row["course_description"]) or None,
        skill_tags=rules.split_tags(row["Skills"]),
        rating=rules.parse_rating(row["Ratings"]),
        review_count=rules.parse_count(row["Review_Count"]),
        enrolled=rules.parse_count(row["course_students_enrolled"]),
    )


def _edx(line: int, row: dict[str, str], source: str) -> Row:
    programs = split_edx_programs(row["associatedprograms"])
    language = _clean(row["language"])
    return _credential(
        source,
        platform="edx",
        title=_clean(row["title"]),
        provider=_clean(row["institution"]),
        kind="course",
        level=rules.normalise_level(row["level"]),
        duration_text=None,
        duration_hours=None,
        language=language or None,
        url=_clean(row["link"]) or None,
        subjects=[_clean(row["subject"])] if _clean(row["subject"]) else [],
        skill_tags=rules.split_tags(row["associatedskills"]),
        programs=programs,
    )


def _optional_number(path: Path, line: int, value: str, column: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise IngestError(str(path), line, f"{column} is not a number: {value!r}") from None
    if number < 0:
        raise IngestError(str(path), line, f"{column} must not be negative: {value!r}")
    return number


_Layout = tuple[list[str], Callable[[int, dict[str, str], str], Row]]
_COURSERA_LAYOUTS: dict[str, _Layout] = {
    "products": (
        [
            "Subject",
            "Title",
            "Institution",
            "Learning Product",
            "Level",
            "Duration",
            "Gained Skills",
            "Rate",
            "Reviews",
        ],
        _coursera_products,
    ),
    "certtypes": (
        [
            "partner",
            "course",
            "skills",
            "rating",
            "reviewcount",
            "level",
            "certificatetype",
            "duration",
            "crediteligibility",
        ],
        _coursera_certtypes,
    ),
    "azrai99": (
        [
            "ID",
            "Title",
            "Organization",
            "Skills",
            "Ratings",
            "course_url",
            "course_students_enrolled",
            "course_description",
            "Review_Count",
            "Difficulty",
            "Type",
            "Duration",
        ],
        _coursera_azrai99,
    ),
}
_EDX_COLUMNS = [
    "title",
    "link",
    "institution",
    "subject",
    "level",
    "language",
    "associatedprograms",
    "associatedskills",
]


def _header(path: Path) -> list[str]:
    for _line, row in read_csv(path, []):
        return list(row)
    return []


def _coursera_layout(path: Path) -> tuple[str, _Layout]:
    """Pick the Coursera scrape layout from the header (the three public dumps differ)."""
    try:
        header = set(_header(path))
    except IngestError:
        raise
    for name, layout in _COURSERA_LAYOUTS.items():
        if set(layout[0]) <= header:
            return name, layout
    raise IngestError(str(path), 1, f"not a known Coursera layout; header is {sorted(header)}")


def _generic(path: Path, source: str) -> Iterator[tuple[int, Row]]:
    for line, row in read_csv(path, GENERIC_REQUIRED):
        values = {key: _clean(row.get(key, "")) for key in GENERIC_REQUIRED + GENERIC_OPTIONAL}
        kind = values["kind"].casefold() or "course"
        if kind not in CREDENTIAL_KINDS:
            raise IngestError(
                str(path), line, f"unknown kind {values['kind']!r}; use one of {sorted(CREDENTIAL_KINDS)}"
            )
        level = rules.normalise_level(values["level"]) if values["level"] else None
        if values["level"] and level is None:
            raise IngestError(str(path), line, f"unknown level {values['level']!r}")
        separator = ";" if ";" in values["skills"] else ","
        yield (
            line,
            _credential(
                source,
                platform=slugify(values["provider"]) or "unknown",
                title=values["title"],
                provider=values["provider"],
                kind=kind,
                level=level,
                duration_text=None,
                duration_hours=_optional_number(path, line, values["duration_hours"], "duration_hours"),
                language=values["language"] or None,
                url=values["url"] or None,
                description=values["description"] or None,
                subjects=[s.strip() for s in values["subjects"].split(";") if s.strip()],
                skill_tags=list(dict.fromkeys(t.strip() for t in values["skills"].split(separator) if t.strip())),
                cost=_optional_number(path, line, values["cost"], "cost"),
                currency=values["currency"].upper() or None,
                explicit_id=slugify(values["id"]) or None,
            ),
        )


def read_catalog(path: Path, fmt: str, *, source: str | None = None) -> CatalogData:
    """Read one catalogue into normalised credential rows.

    Args:
        path: the catalogue file (CSV, plain or gzipped).
        fmt: ``coursera`` (any of the three public scrape layouts), ``edx``, or ``csv`` (credpath's layout:
            ``title,provider`` required; ``id,kind,level,duration_hours,cost,currency,language,url,
            description,skills,subjects`` optional).
        source: name recorded on each credential; defaults to ``<format>-<file stem>``.

    Returns:
        Credential rows and counts: ``rows_read``, ``accepted``, ``merged_duplicates``, ``rejected_*`` and
        the fixes applied.

    Raises:
        IngestError: unknown format or layout, malformed CSV, or an invalid value in a credpath CSV.
    """
    if fmt not in CATALOG_FORMATS:
        raise IngestError(str(path), None, f"unknown catalogue format {fmt!r}; use one of {CATALOG_FORMATS}")
    source = slugify(source or f"{fmt}-{path.stem.split('.')[0]}")
    notes: Counter[str] = Counter()
    parsed: list[tuple[int, Row, dict[str, str]]] = []

    layout_name = ""
    if fmt == "csv":
        records: Iterator[tuple[int, Row]] = _generic(path, source)
        parsed = [(line, row, {}) for line, row in records]
    else:
        if fmt == "coursera":
            layout_name, (required, convert) = _coursera_layout(path)
            notes[f"layout_{layout_name}"] = 1
        else:
            required, convert = _EDX_COLUMNS, _edx
        parsed = [(line, convert(line, raw, source), raw) for line, raw in read_csv(path, required)]
    notes["rows_read"] = len(parsed)

    if fmt == "edx":
        _restore_institutions(parsed, notes)
        _repair_titles(parsed, notes)
    if fmt == "coursera" and layout_name == "azrai99":
        _drop_bad_descriptions(parsed, notes)
    _decide_languages(parsed, notes)

    by_id: dict[str, Row] = {}
    for _line, row, _raw in parsed:
        if "_reject" in row:
            notes[f"rejected_{row['_reject']}"] += 1
            continue
        if not row["title"] or not row["provider"]:
            notes["rejected_missing_title_or_provider"] += 1
            continue
        if row["id"] in by_id:
            notes["merged_duplicates"] += 1
            _merge(by_id[row["id"]], row)
            continue
        by_id[row["id"]] = row
    for row in by_id.values():
        row["content_hash"] = hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()[:16]
    notes["accepted"] = len(by_id)
    # The reader's version joins the file's digest: a database loaded by an older reader (another language
    # rule, another title repair) re-reads an unchanged file once, instead of keeping the old reading forever.
    content_hash = f"{file_digest([path])}:reader-{READER_VERSION}"
    return CatalogData(source=source, content_hash=content_hash, credentials=list(by_id.values()), notes=dict(notes))


def _restore_institutions(parsed: list[tuple[int, Row, dict[str, str]]], notes: Counter[str]) -> None:
    """EdX cuts ~10% of institution names with '…'; restore them from other rows or the course URL."""
    known = {row["provider"] for _, row, _ in parsed}
    for _line, row, raw in parsed:
        provider = row["provider"]
        if not provider.endswith(("…", "...")):
            continue
        restored = restore_edx_institution(provider, raw.get("link", ""), known, title=row["title"])
        if restored != provider:
            notes["fixed_truncated_institution"] += 1
            _rekey(row, provider=restored)
        else:
            notes["unfixed_truncated_institution"] += 1


def _repair_titles(parsed: list[tuple[int, Row, dict[str, str]]], notes: Counter[str]) -> None:
    """EdX titles lose spaces at line breaks ("Developingan"); put them back from the URL's slug.

    The id and the canonical key stay those of the published title, so ids never change with a repair.
    """
    for _line, row, raw in parsed:
        if "_reject" in row or not row.get("title"):
            continue
        repaired = repair_run_together_title(row["title"], raw.get("link", ""))
        if repaired != row["title"]:
            notes["fixed_run_together_title"] += 1
            row["title"] = repaired
            row["search_text"] = search_text([repaired, row["provider"], *row["skill_tags"]])


def _decide_languages(parsed: list[tuple[int, Row, dict[str, str]]], notes: Counter[str]) -> None:
    """Every credential's language as an ISO 639-1 code, and the rule that decided it (sources.languages)."""
    for _line, row, _raw in parsed:
        if "_reject" in row or not row.get("title"):
            continue
        guess = detect_language(row["title"], row.get("description"), row.get("language"))
        row["language"], row["language_source"] = guess.code, guess.source
        notes[f"language_{guess.source}"] += 1


def _rekey(row: Row, *, provider: str) -> None:
    row["provider"] = provider
    row["id"], row["source_key"] = credential_id(row["source"], provider, row["title"], row["kind"])
    row["canonical_key"] = _canonical_key(row["platform"], provider, row["title"])
    row["search_text"] = search_text([row["title"], provider, *row["skill_tags"]])


def _drop_bad_descriptions(parsed: list[tuple[int, Row, dict[str, str]]], notes: Counter[str]) -> None:
    """The azrai99 dump pairs some rows with another course's description; drop those (and non-English ones)."""
    triples = [(row["title"], ", ".join(row["skill_tags"]), row["description"] or "") for _, row, _ in parsed]
    misaligned = misaligned_descriptions(triples)
    for index, (_line, row, _raw) in enumerate(parsed):
        if row["description"] is None:
            continue
        if index in misaligned:
            reason = "non_english" if looks_non_english(row["description"]) else "misaligned"
            notes[f"dropped_{reason}_description"] += 1
            row["description"] = None
