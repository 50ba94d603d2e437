"""What the OpenAPI document says about errors and bodies, so that it agrees with what the server does.

Errors are RFC 9457 problem details served as ``application/problem+json`` (``api/errors.py``); each
operation lists the statuses it can answer with :func:`problems`. Request bodies are described by
msgspec's own JSON Schema of the structs in ``api/schemas.py`` (:func:`describe_request_bodies`), which
keeps every per-item limit, range and ``additionalProperties: false`` that Litestar's generator drops.
"""

from typing import Any, cast

import msgspec
from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec

from credpath.api import schemas

__all__ = ["PROBLEM_JSON", "ProblemDetails", "complete_document", "problems"]

PROBLEM_JSON = "application/problem+json"

_DESCRIPTIONS = {
    400: "Malformed request: the body is not JSON of the documented shape, or a parameter breaks its constraints",
    404: "No such resource",
    409: "Conflicts with stored state",
    413: "The body or the work it asks for is over the documented limits",
    415: "The body is not application/json",
    422: "Well-formed, but breaks a rule of the domain (unknown ids, exactly-one-of fields, blank text)",
    503: "A built index is missing or stale (`credpath build-index`), or the database does not answer",
}


class ProblemDetails(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem: ``type`` is ``about:blank``, so ``title`` is the status's meaning."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem responses an operation can answer with, for its ``responses=``.

    Example:
        >>> sorted(problems(400, 404))
        [400, 404]
    """
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_JSON,
            description=_DESCRIPTIONS[status],
            generate_examples=False,
        )
        for status in statuses
    }


REQUEST_BODIES: tuple[type[msgspec.Struct], ...] = tuple(
    getattr(schemas, name) for name in schemas.__all__ if isinstance(getattr(schemas, name), type)
)


# What a client can do next with the learner an operation answers with (OpenAPI links; schemathesis follows
# them in its stateful tests: create -> read -> patch -> add skills -> delete).
_LEARNER_ID = {"learner_id": "$response.body#/id"}
_NEXT_FOR_A_LEARNER = {
    name: {"operationId": name, "parameters": _LEARNER_ID}
    for name in (
        "readLearner",
        "updateLearner",
        "readLearnerSkills",
        "addLearnerSkills",
        "learnerRecommendations",
        "deleteLearner",
    )
}
_LINKS = {
    ("/v1/learners", "post", "201"): _NEXT_FOR_A_LEARNER,
    ("/v1/learners/{learner_id}", "get", "200"): _NEXT_FOR_A_LEARNER,
    ("/v1/learners/{learner_id}", "patch", "200"): _NEXT_FOR_A_LEARNER,
    ("/v1/learners/{learner_id}/skills", "post", "200"): _NEXT_FOR_A_LEARNER,
}


def complete_document(app: Litestar) -> None:
    """Finish the generated OpenAPI document (an ``on_startup`` hook; the document is built once and cached).

    Request bodies get msgspec's exact schemas, and learner operations get their links.
    """
    document = app.openapi_schema
    # Plain JSON Schema mappings are rendered as they are.
    generated = cast("dict[str, Any]", document.components.schemas)
    _refs, components = msgspec.json.schema_components(REQUEST_BODIES, ref_template="#/components/schemas/{name}")
    generated.update(components)
    for (path, method, status), links in _LINKS.items():
        item = (document.paths or {})[path]
        operation = getattr(item, method)
        operation.responses[status].links = cast("Any", links)
