"""What the OpenAPI document says about errors and bodies, so that it agrees with what the server does.

Errors are RFC 9457 problem details served as ``application/problem+json`` (``api/errors.py``); each
operation lists the statuses it can answer with :func:`problems`, and :func:`complete_document` adds the
two that every operation can answer, whatever its handler: 401 (the authentication middleware refuses a
bad key on any route) and 429 (the rate limiter, on every route but the exempt ones). Request bodies are described by
msgspec's own JSON Schema of the structs in ``api/schemas.py`` (:func:`describe_request_bodies`), which
keeps every per-item limit, range and ``additionalProperties: false`` that Litestar's generator drops.
"""

from typing import Any, cast

import msgspec
from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    RequestBody,
    Schema,
)

from credpath.api import schemas
from credpath.api.auth import RATE_LIMIT_EXEMPT
from credpath.api.bodies import MULTIPART, UPLOAD_FIELD

__all__ = ["PROBLEM_JSON", "ProblemDetails", "complete_document", "problems"]

PROBLEM_JSON = "application/problem+json"

_DESCRIPTIONS = {
    400: "Malformed request: the body is not JSON of the documented shape, or a parameter breaks its constraints",
    401: "No valid API key: a malformed Authorization header, or an unknown, revoked or expired key (or none where one"
    " is needed); `WWW-Authenticate: Bearer`",
    403: "The API key lacks the scope this operation needs",
    404: "No such resource (or one that belongs to another organisation)",
    409: "Conflicts with stored state",
    413: "The body or the work it asks for is over the documented limits",
    415: "The body is not application/json",
    422: "Well-formed, but breaks a rule of the domain (unknown ids, exactly-one-of fields, blank text, a target "
    "title no occupation matches with confidence: `candidates` lists the nearest occupations)",
    429: "Over the rate limit of this API key (anonymous callers: of this address); `Retry-After` says when to retry",
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
    # For a target title no occupation matches with confidence: the nearest ones (occupation_id, label, score).
    candidates: list[dict[str, Any]] | None = None


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


# What a client can do next with the learner (or posting) an operation answers with (OpenAPI links; schemathesis follows
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
_POSTING_ID = {"posting_id": "$response.body#/id"}
_NEXT_FOR_A_POSTING = {
    name: {"operationId": name, "parameters": _POSTING_ID}
    for name in ("readPosting", "updatePosting", "postingCredentials", "postingCandidates", "deletePosting")
}
_LINKS = {
    ("/v1/postings", "post", "201"): _NEXT_FOR_A_POSTING,
    ("/v1/postings/{posting_id}", "get", "200"): _NEXT_FOR_A_POSTING,
    ("/v1/postings/{posting_id}", "patch", "200"): _NEXT_FOR_A_POSTING,
    ("/v1/learners", "post", "201"): _NEXT_FOR_A_LEARNER,
    ("/v1/learners/{learner_id}", "get", "200"): _NEXT_FOR_A_LEARNER,
    ("/v1/learners/{learner_id}", "patch", "200"): _NEXT_FOR_A_LEARNER,
    ("/v1/learners/{learner_id}/skills", "post", "200"): _NEXT_FOR_A_LEARNER,
}


# Operations whose handler reads a multipart upload itself (api/bodies.read_upload), so Litestar cannot describe it.
_UPLOADS = {("/v1/catalog/imports/upload", "post"): UPLOAD_FIELD}


def _upload_body(field: str) -> RequestBody:
    return RequestBody(
        required=True,
        description=f"One file part named `{field}`: the document, UTF-8 JSON",
        content={
            MULTIPART: OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.OBJECT,
                    properties={field: Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)},
                    required=[field],
                )
            )
        },
    )


def _problem_response(status: int, header: str, header_description: str) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=_DESCRIPTIONS[status],
        headers={
            header: OpenAPIHeader(description=header_description, required=True, schema=Schema(type=OpenAPIType.STRING))
        },
        content={PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/ProblemDetails"))},
    )


_EVERYWHERE = {
    "401": _problem_response(401, "WWW-Authenticate", 'Always `Bearer realm="credpath"`'),
}
_RATE_LIMITED = {
    "429": _problem_response(429, "Retry-After", "Seconds until the limit resets"),
}


def complete_document(app: Litestar) -> None:
    """Finish the generated OpenAPI document (an ``on_startup`` hook; the document is built once and cached).

    Request bodies get msgspec's exact schemas, learner operations get their links, and every operation
    gets the 401 and (unless exempt from the rate limit) 429 that the middleware answers with.
    """
    document = app.openapi_schema
    # Plain JSON Schema mappings are rendered as they are.
    generated = cast("dict[str, Any]", document.components.schemas)
    _refs, components = msgspec.json.schema_components(REQUEST_BODIES, ref_template="#/components/schemas/{name}")
    generated.update(components)
    for (path, method), field in _UPLOADS.items():
        getattr((document.paths or {})[path], method).request_body = _upload_body(field)
    for (path, method, status), links in _LINKS.items():
        item = (document.paths or {})[path]
        operation = getattr(item, method)
        operation.responses[status].links = cast("Any", links)
    for path, item in (document.paths or {}).items():
        limited = not any(path.startswith(exempt) for exempt in RATE_LIMIT_EXEMPT)
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method)
            if operation is None:
                continue
            operation.responses = operation.responses or {}
            added = {**_EVERYWHERE, **(_RATE_LIMITED if limited else {})}
            for status, response in added.items():
                operation.responses.setdefault(status, response)
