"""The dependency direction of the house style, checked on the import statements."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "credpath"
WEB = {"litestar", "uvicorn"}
ORM = {"sqlmodel", "sqlalchemy", "alembic"}
# package -> top-level modules it must never import
FORBIDDEN = {
    "sources": WEB | ORM | {"credpath.storage", "credpath.services", "credpath.api"},
    "ml": WEB | ORM | {"credpath.storage", "credpath.services", "credpath.api"},
    "skills": WEB | ORM | {"credpath.storage", "credpath.services", "credpath.api"},
    "planning": WEB | ORM | {"credpath.storage", "credpath.services", "credpath.api"},
    "services": WEB | {"credpath.api"},
    "storage": WEB | {"credpath.services", "credpath.api"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _violations(package: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for name in _imports(path):
            if any(name == banned or name.startswith(f"{banned}.") for banned in FORBIDDEN[package]):
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package: str) -> None:
    assert _violations(package) == []


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
