"""schemathesis over the whole OpenAPI document, against a real server process (issue 10, defect 5).

Every operation gets a bounded number of generated requests (stateless), and learner operations are
chained through the document's links (stateful: create -> read -> patch -> add skills -> delete). The
server must never answer 5xx, and every answer must be documented: its status, its content type and its
body's schema. Every request carries the server's admin key, so learner and admin operations are exercised
rather than refused with 401. ``CREDPATH_SCHEMATHESIS_EXAMPLES`` raises the number of cases for a longer local run.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import copy_sqlite_file
from tests.server.serverprocess import ADMIN, serve

EXAMPLES = int(os.environ.get("CREDPATH_SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def server(loaded_sqlite_url: str, models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a private copy of the loaded database (the generated writes stay there)."""
    copy = tmp_path_factory.mktemp("schemathesis") / "credpath.db"
    copy_sqlite_file(loaded_sqlite_url, copy)
    with serve(f"sqlite:///{copy}", models_dir) as base:
        yield base


@pytest.fixture(scope="module")
def api_schema(server: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server}/schema/openapi.json")


def test_every_operation_conforms(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    failures: dict[str, str] = {}
    called: dict[str, int] = {}
    for operation in operations:
        called[operation.label] = 0

        @given(case=operation.as_strategy())
        @SETTINGS
        def conforms(case: schemathesis.Case) -> None:
            called[case.operation.label] += 1
            case.call_and_validate(headers=ADMIN, checks=CHECKS)

        try:
            conforms()
        except Exception as exc:  # collected, so one run reports every operation that fails
            failures[operation.label] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{label}: {message}" for label, message in failures.items())
    assert all(called.values()), called


def test_learner_workflows_conform(api_schema: schemathesis.BaseSchema) -> None:
    # Organisation names are unique, so a replayed sequence that creates the same organisation again gets 409
    # where it first got 201; the links fed by that answer differ and hypothesis stops with
    # FlakyStrategyDefinition instead of testing. Admin operations are covered by the stateless test above;
    # the workflow chains learner operations, whose answers do not depend on earlier test cases.
    workflow = api_schema.exclude(path_regex="^/v1/(orgs|keys|audit)").as_state_machine()

    class LearnerWorkflow(workflow):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            return {"headers": ADMIN}

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
            case.validate_response(response, checks=CHECKS)

    LearnerWorkflow.run(settings=settings(SETTINGS, max_examples=EXAMPLES * 2, stateful_step_count=6))
