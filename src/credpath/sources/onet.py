"""Reader for the O*NET database files (``db_XX_X`` release, Excel converted to CSV, plain or gzipped)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credpath.errors import IngestError
from credpath.sources.csvfiles import file_digest, find_file, read_csv
from credpath.sources.labels import search_text

__all__ = ["ONET_FILES", "OnetData", "read_onet"]

Row = dict[str, Any]

ONET_FILES = {
    "occupations": "Occupation_Data.csv",
    "skills": "Skills.csv",
    "knowledge": "Knowledge.csv",
    "technology": "Technology_Skills.csv",
    "alternate_titles": "Alternate_Titles.csv",
    "content_model": "Content_Model_Reference.csv",
    "job_zones": "Job_Zones.csv",
}
_CODE = "O*NET-SOC Code"
# O*NET's rating files carry one row per scale; these are the two credpath keeps.
_SCALES = {"IM": "importance", "LV": "level"}


@dataclass(frozen=True, slots=True)
class OnetData:
    """Rows for the O*NET tables, keyed by column name."""

    content_hash: str
    occupations: list[Row] = field(default_factory=list)
    elements: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    technology: list[Row] = field(default_factory=list)
    # Source rows merged because O*NET lists the same (occupation, alternate title) twice.
    merged_alternate_titles: int = 0


def _number(path: Path, line: int, value: str, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise IngestError(str(path), line, f"{column} is not a number: {value!r}") from None


def _read_ratings(
    paths: dict[str, Path], descriptions: dict[str, str], occupation: Callable[[Path, int, str], Row]
) -> tuple[dict[str, Row], dict[tuple[str, str], Row]]:
    """Skill and knowledge elements, and one rating row per (occupation, element) joining the IM and LV scales."""
    elements: dict[str, Row] = {}
    ratings: dict[tuple[str, str], Row] = {}
    for domain in ("skills", "knowledge"):
        path = paths[domain]
        required = [_CODE, "Element ID", "Element Name", "Scale ID", "Data Value", "Not Relevant", "Recommend Suppress"]
        for line, row in read_csv(path, required):
            occupation(path, line, row[_CODE])
            element_id = row["Element ID"].strip()
            elements.setdefault(
                element_id,
                {
                    "id": element_id,
                    "name": row["Element Name"].strip(),
                    "domain": "skill" if domain == "skills" else "knowledge",
                    "description": descriptions.get(element_id, ""),
                },
            )
            scale = _SCALES.get(row["Scale ID"].strip())
            if scale is None:
                raise IngestError(str(path), line, f"unknown Scale ID {row['Scale ID']!r}")
            rating = ratings.setdefault(
                (row[_CODE], element_id),
                {
                    "occupation_id": row[_CODE],
                    "element_id": element_id,
                    "importance": None,
                    "level": None,
                    "not_relevant": False,
                    "recommend_suppress": False,
                },
            )
            rating[scale] = _number(path, line, row["Data Value"], "Data Value")
            rating["not_relevant"] = rating["not_relevant"] or row["Not Relevant"].strip() == "Y"
            rating["recommend_suppress"] = rating["recommend_suppress"] or row["Recommend Suppress"].strip() == "Y"

    return elements, ratings


def read_onet(directory: Path) -> OnetData:
    """Read and validate the O*NET occupations, skill/knowledge ratings, technology skills and titles.

    Args:
        directory: folder with the O*NET database files named as released, spaces as underscores
            (``Occupation_Data.csv``, ``Skills.csv``, …), each plain or ``.gz``.

    Raises:
        IngestError: a file is missing, malformed, or names an unknown occupation.
    """
    paths = {key: find_file(directory, name) for key, name in ONET_FILES.items()}
    descriptions = {
        row["Element ID"]: row["Description"]
        for _, row in read_csv(paths["content_model"], ["Element ID", "Description"])
    }

    occupations: dict[str, Row] = {}
    path = paths["occupations"]
    for line, row in read_csv(path, [_CODE, "Title", "Description"]):
        code = row[_CODE].strip()
        if not code or not row["Title"].strip():
            raise IngestError(str(path), line, "empty O*NET-SOC Code or Title")
        if code in occupations:
            raise IngestError(str(path), line, f"duplicate occupation {code}")
        occupations[code] = {
            "id": code,
            "taxonomy": "onet",
            "preferred_label": row["Title"].strip(),
            "alt_labels": [],
            "hidden_labels": [],
            "description": row["Description"].strip(),
            "code": code,
            "isco_group": None,
            "job_zone": None,
            "search_text": "",
        }

    def occupation(path: Path, line: int, code: str) -> Row:
        try:
            return occupations[code]
        except KeyError:
            raise IngestError(str(path), line, f"unknown O*NET-SOC Code {code!r}") from None

    path = paths["job_zones"]
    for line, row in read_csv(path, [_CODE, "Job Zone"]):
        occupation(path, line, row[_CODE])["job_zone"] = int(_number(path, line, row["Job Zone"], "Job Zone"))

    merged = 0
    path = paths["alternate_titles"]
    seen_titles: set[tuple[str, str]] = set()
    for line, row in read_csv(path, [_CODE, "Alternate Title", "Short Title"]):
        target = occupation(path, line, row[_CODE])
        title, short = row["Alternate Title"].strip(), row["Short Title"].strip()
        if not title:
            raise IngestError(str(path), line, "empty Alternate Title")
        if (row[_CODE], title) in seen_titles:
            merged += 1
        else:
            seen_titles.add((row[_CODE], title))
            target["alt_labels"].append(title)
        if short and short not in target["hidden_labels"]:
            target["hidden_labels"].append(short)

    elements, ratings = _read_ratings(paths, descriptions, occupation)

    technology: list[Row] = []
    path = paths["technology"]
    for line, row in read_csv(
        path, [_CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"]
    ):
        occupation(path, line, row[_CODE])
        if not row["Example"].strip():
            raise IngestError(str(path), line, "empty Example")
        technology.append(
            {
                "occupation_id": row[_CODE],
                "example": row["Example"].strip(),
                "commodity_code": row["Commodity Code"].strip() or None,
                "commodity_title": row["Commodity Title"].strip() or None,
                "hot_technology": row["Hot Technology"].strip() == "Y",
                "in_demand": row["In Demand"].strip() == "Y",
            }
        )

    for row in occupations.values():
        row["search_text"] = search_text([row["preferred_label"], *row["alt_labels"], *row["hidden_labels"]])
    return OnetData(
        content_hash=file_digest(paths.values()),
        occupations=list(occupations.values()),
        elements=list(elements.values()),
        ratings=list(ratings.values()),
        technology=technology,
        merged_alternate_titles=merged,
    )
