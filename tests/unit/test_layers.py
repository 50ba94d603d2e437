"""The dependency direction of the house style, checked on the import statements of every package.

Request path:  api ──▶ services ──▶ storage ──▶ (planning: the rows its queries return)
                          └──────▶ planning, skills, ml, indexes, standards (──▶ sources)
Offline:       cli ──▶ pipeline ──▶ storage, sources, ml, skills, planning, indexes, standards
Shared:        indexes (index location and freshness), alignments (the saved alignment scorer) ──▶ storage, ml, skills
Everyone may use: vocabulary (wire-string enums, ESCO ids), errors, config.

``services`` and ``pipeline`` never import each other: what both need lives in ``indexes``.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "credpath"
WEB = {"litestar", "uvicorn"}
ORM = {"sqlmodel", "sqlalchemy", "alembic"}
NUMERIC = {"numpy", "sklearn", "scipy", "torch", "onnxruntime", "sentence_transformers", "hnswlib"}
SHARED = {"vocabulary", "errors", "config"}
# unit (a package or a top-level module) -> the credpath units it may import (itself always allowed)
ALLOWED: dict[str, set[str]] = {
    "vocabulary": set(),
    "errors": set(),
    "config": {"vocabulary"},
    "sources": {"vocabulary", "errors"},
    # Parsers of open-standard documents and proof checks: pure, shared by the services and the pipeline.
    "standards": {"sources"} | SHARED,
    "ml": {"vocabulary", "errors"},
    "skills": {"ml"} | SHARED,
    "planning": {"vocabulary", "errors"},
    "storage": {"planning"} | SHARED,
    "indexes": {"storage", "ml", "skills"} | SHARED,
    # What the build's alignment pass and a catalogue import share: the saved scorer, the facts it reads.
    "alignments": {"storage", "ml", "skills"} | SHARED,
    "services": {"storage", "planning", "skills", "ml", "indexes", "alignments", "standards"} | SHARED,
    "pipeline": {"storage", "sources", "ml", "skills", "planning", "indexes", "alignments", "standards"} | SHARED,
    "api": {"services", "credpath"} | SHARED,
    # ``serve`` configures the API's JSON logs before uvicorn imports the app.
    "cli": {"services", "pipeline", "api"} | SHARED,
}
# unit -> third-party top-level modules it must never import
FORBIDDEN: dict[str, set[str]] = {
    "vocabulary": WEB | ORM | NUMERIC,
    "errors": WEB | ORM | NUMERIC,
    "config": WEB | ORM | NUMERIC,
    "sources": WEB | ORM,
    "standards": WEB | ORM | NUMERIC,
    "ml": WEB | ORM,
    "skills": WEB | ORM,
    "planning": WEB | ORM,
    "storage": WEB,
    "indexes": WEB,
    "alignments": WEB,
    "services": WEB,
    "pipeline": WEB,
    "api": NUMERIC,
    "cli": ORM | NUMERIC,
}


def _unit_files(unit: str) -> list[Path]:
    folder = PACKAGE / unit
    if folder.is_dir():
        return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)
    return [PACKAGE / f"{unit}.py"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _violations(unit: str) -> list[str]:
    found = []
    for path in _unit_files(unit):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "credpath":
                target = parts[1] if len(parts) > 1 else "credpath"
                if target != unit and target not in ALLOWED[unit]:
                    found.append(f"{path.relative_to(PACKAGE)} imports {name}")
            elif parts[0] in FORBIDDEN[unit]:
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


def test_every_unit_has_a_rule() -> None:
    units = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    units |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert units == set(ALLOWED) == set(FORBIDDEN)


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_layer_imports(unit: str) -> None:
    assert _violations(unit) == []


def test_the_rules_catch_a_back_arrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The check itself must fail on the imports it exists to forbid.
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "__init__.py").write_text("from credpath.pipeline import build\nimport litestar\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    assert sorted(_violations("services")) == [
        "services/__init__.py imports credpath.pipeline",
        "services/__init__.py imports litestar",
    ]


def test_api_writes_no_sql() -> None:
    """Controllers may name the Engine and Session types for injection, nothing that builds queries."""
    allowed = {"sqlalchemy": {"Engine"}, "sqlmodel": {"Session"}}
    for path in sorted((PACKAGE / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in allowed:
                names = {alias.name for alias in node.names}
                assert names <= allowed[node.module.split(".")[0]], f"{path.name} imports {names} from {node.module}"
            if isinstance(node, ast.Import):
                assert not {alias.name.split(".")[0] for alias in node.names} & set(allowed), path.name


def test_the_consented_cross_organisation_read_has_one_caller() -> None:
    """Only the candidates service reads learners across organisations (those who opted in to be found)."""
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "discoverable_holders" in path.read_text(encoding="utf-8")
    )
    assert users == ["services/candidates.py", "storage/repositories/learners.py"]
