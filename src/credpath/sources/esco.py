"""Reader for the official ESCO CSV download (classification ``en`` + language-independent relations)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credpath.errors import IngestError
from credpath.sources.csvfiles import file_digest, find_file, read_csv
from credpath.sources.labels import search_text, split_multi

__all__ = ["ESCO_FILES", "EscoData", "read_esco"]

Row = dict[str, Any]

# Paths relative to the ESCO folder, as laid out by the two official zips (classification/ for the
# language file, relations/ for the language-independent one). A flat folder works too.
ESCO_FILES = {
    "skills": "classification_en/skills_en.csv",
    "skill_groups": "classification_en/skillGroups_en.csv",
    "occupations": "classification_en/occupations_en.csv",
    "isco_groups": "classification_en/ISCOGroups_en.csv",
    "occupation_skills": "relations/occupationSkillRelations.csv",
    "skill_relations": "relations/skillSkillRelations.csv",
    "skill_broader": "relations/broaderRelationsSkillPillar.csv",
    "occupation_broader": "relations/broaderRelationsOccPillar.csv",
}
# Skill collections published as separate files; each member skill gets the collection's name.
COLLECTION_FILES = {
    "digital": "classification_en/digitalSkillsCollection_en.csv",
    "digcomp": "classification_en/digCompSkillsCollection_en.csv",
    "green": "classification_en/greenSkillsCollection_en.csv",
    "language": "classification_en/languageSkillsCollection_en.csv",
    "research": "classification_en/researchSkillsCollection_en.csv",
    "transversal": "classification_en/transversalSkillsCollection_en.csv",
}
_RELATION_TYPES = frozenset({"essential", "optional"})


@dataclass(frozen=True, slots=True)
class EscoData:
    """Rows for every ESCO table, keyed by column name, plus the digest of the files read."""

    content_hash: str
    skills: list[Row] = field(default_factory=list)
    skill_groups: list[Row] = field(default_factory=list)
    skill_broader: list[Row] = field(default_factory=list)
    skill_relations: list[Row] = field(default_factory=list)
    isco_groups: list[Row] = field(default_factory=list)
    occupations: list[Row] = field(default_factory=list)
    occupation_broader: list[Row] = field(default_factory=list)
    occupation_skills: list[Row] = field(default_factory=list)


def _locate(directory: Path, relative: str) -> Path:
    nested = Path(relative)
    try:
        return find_file(directory / nested.parent, nested.name)
    except IngestError:
        # Flat layout: every CSV directly in the given folder.
        return find_file(directory, nested.name)


def _rows(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for line, row in read_csv(path, required):
        yield (
            line,
            {key: value.strip() if key not in {"altLabels", "hiddenLabels"} else value for key, value in row.items()},
        )


def _require(path: Path, line: int, row: dict[str, str], *columns: str) -> None:
    for column in columns:
        if not row[column]:
            raise IngestError(str(path), line, f"empty {column!r}")


def _read_skills(path: Path, memberships: dict[str, list[str]], out: list[Row]) -> set[str]:
    """Append skill rows to ``out``; return the set of skill URIs (relations are checked against it)."""
    skill_ids: set[str] = set()
    for line, row in _rows(path, ["conceptUri", "preferredLabel", "altLabels", "skillType", "description"]):
        _require(path, line, row, "conceptUri", "preferredLabel")
        if row["conceptUri"] in skill_ids:
            raise IngestError(str(path), line, f"duplicate skill {row['conceptUri']}")
        skill_ids.add(row["conceptUri"])
        alt = split_multi(row["altLabels"])
        out.append(
            {
                "id": row["conceptUri"],
                "preferred_label": row["preferredLabel"],
                "alt_labels": alt,
                "hidden_labels": split_multi(row.get("hiddenLabels", "")),
                "description": row["description"],
                "definition": row.get("definition") or None,
                "scope_note": row.get("scopeNote") or None,
                "skill_type": row["skillType"] or None,
                "reuse_level": row.get("reuseLevel") or None,
                "collections": sorted(memberships.get(row["conceptUri"], [])),
                "search_text": search_text([row["preferredLabel"], *alt]),
            }
        )

    return skill_ids


def read_esco(directory: Path) -> EscoData:
    """Read and validate an ESCO v1.x English CSV export.

    Args:
        directory: folder holding ``classification_en/`` and ``relations/`` (or all CSVs flat),
            each file plain or gzipped.

    Returns:
        Validated rows for every ESCO table.

    Raises:
        IngestError: a file is missing, malformed, or references an unknown concept.
    """
    paths = {key: _locate(directory, relative) for key, relative in ESCO_FILES.items()}
    collection_paths = {key: _locate(directory, relative) for key, relative in COLLECTION_FILES.items()}
    data = EscoData(content_hash=file_digest([*paths.values(), *collection_paths.values()]))

    memberships: dict[str, list[str]] = {}
    for collection, path in collection_paths.items():
        for _line, row in _rows(path, ["conceptUri"]):
            memberships.setdefault(row["conceptUri"], []).append(collection)

    skill_ids = _read_skills(paths["skills"], memberships, data.skills)

    path = paths["skill_groups"]
    for line, row in _rows(path, ["conceptUri", "preferredLabel"]):
        _require(path, line, row, "conceptUri", "preferredLabel")
        data.skill_groups.append(
            {
                "id": row["conceptUri"],
                "preferred_label": row["preferredLabel"],
                "code": row.get("code") or None,
                "description": row.get("description", ""),
            }
        )

    path = paths["isco_groups"]
    for line, row in _rows(path, ["conceptUri", "code", "preferredLabel"]):
        _require(path, line, row, "conceptUri", "code", "preferredLabel")
        data.isco_groups.append(
            {
                "id": row["conceptUri"],
                "code": row["code"],
                "preferred_label": row["preferredLabel"],
                "description": row.get("description", ""),
            }
        )

    path = paths["occupations"]
    for line, row in _rows(path, ["conceptUri", "preferredLabel", "altLabels", "iscoGroup", "description"]):
        _require(path, line, row, "conceptUri", "preferredLabel")
        alt = split_multi(row["altLabels"])
        data.occupations.append(
            {
                "id": row["conceptUri"],
                "taxonomy": "esco",
                "preferred_label": row["preferredLabel"],
                "alt_labels": alt,
                "hidden_labels": split_multi(row.get("hiddenLabels", "")),
                "description": row["description"],
                "code": row.get("code") or None,
                "isco_group": row["iscoGroup"] or None,
                "job_zone": None,
                "search_text": search_text([row["preferredLabel"], *alt]),
            }
        )

    path = paths["occupation_skills"]
    for line, row in _rows(path, ["occupationUri", "relationType", "skillUri"]):
        _require(path, line, row, "occupationUri", "skillUri")
        if row["relationType"] not in _RELATION_TYPES:
            raise IngestError(str(path), line, f"unknown relationType {row['relationType']!r}")
        if row["skillUri"] not in skill_ids:
            raise IngestError(str(path), line, f"unknown skill {row['skillUri']}")
        data.occupation_skills.append(
            {
                "occupation_id": row["occupationUri"],
                "skill_id": row["skillUri"],
                "relation_type": row["relationType"],
                "skill_type": row.get("skillType") or None,
            }
        )

    path = paths["skill_relations"]
    for line, row in _rows(path, ["originalSkillUri", "relationType", "relatedSkillUri"]):
        for column in ("originalSkillUri", "relatedSkillUri"):
            if row[column] not in skill_ids:
                raise IngestError(str(path), line, f"unknown skill {row[column]!r} in {column}")
        data.skill_relations.append(
            {
                "skill_id": row["originalSkillUri"],
                "related_skill_id": row["relatedSkillUri"],
                "relation_type": row["relationType"],
            }
        )

    for key, target in (("skill_broader", data.skill_broader), ("occupation_broader", data.occupation_broader)):
        path = paths[key]
        for line, row in _rows(path, ["conceptType", "conceptUri", "broaderType", "broaderUri"]):
            _require(path, line, row, "conceptUri", "broaderUri")
            concept = (
                {"concept_id": row["conceptUri"]} if key == "skill_broader" else {"occupation_id": row["conceptUri"]}
            )
            target.append(
                {
                    **concept,
                    "broader_id": row["broaderUri"],
                    "concept_type": row["conceptType"],
                    "broader_type": row["broaderType"],
                }
            )
    return data
