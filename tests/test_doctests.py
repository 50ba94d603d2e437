"""Every docstring example in the package runs, module by module (examples are documentation that must hold)."""

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import credpath

# Alembic's environment script runs only inside ``alembic upgrade``; revisions hold no examples.
NOT_IMPORTABLE = ("credpath.storage.migrations",)


def _modules() -> list[str]:
    names = [credpath.__name__]
    for info in pkgutil.walk_packages(credpath.__path__, prefix=f"{credpath.__name__}."):
        if not info.name.startswith(NOT_IMPORTABLE):
            names.append(info.name)
    return sorted(names)


def _examples(module: ModuleType) -> int:
    finder = doctest.DocTestFinder(exclude_empty=True)
    return sum(len(test.examples) for test in finder.find(module))


MODULES = _modules()
WITH_EXAMPLES = [name for name in MODULES if _examples(importlib.import_module(name))]


def test_the_modules_with_examples_are_found() -> None:
    # A guard against the walk silently finding nothing: these modules are known to carry examples.
    assert {"credpath.vocabulary", "credpath.planning.gaps", "credpath.sources.catalog_rules"} <= set(WITH_EXAMPLES)
    assert len(WITH_EXAMPLES) >= 15


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
