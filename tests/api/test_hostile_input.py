"""Hostile and malformed bodies get a 4xx problem, never a 500 (issue 10, defects 2, 4 and 5)."""

import itertools
import json
import string

import pytest
from litestar.testing import TestClient

from credpath.services.semantic import MAX_ENCODED_TEXTS, MAX_REQUEST_CHARS

SQL_SKILL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
# 20,000 characters of distinct three-letter words in a comma list: ~4,000 phrases in one sentence.
MANY_PHRASES = ", ".join("".join(letters) for letters in itertools.product(string.ascii_lowercase, repeat=3))[:20_000]


def _assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def _post(client: TestClient, path: str, content: bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return client.post(path, content=content, headers={"content-type": content_type})


@pytest.mark.parametrize("path", ["/v1/skills/match", "/v1/occupations/match"])
def test_deeply_nested_json_is_400(client: TestClient, path: str) -> None:
    field = "texts" if path == "/v1/skills/match" else "titles"
    body = f'{{"{field}": {"[" * 5000}{"]" * 5000}}}'.encode()
    _assert_problem(_post(client, path, body), 400)


def test_deeply_nested_json_in_a_free_shaped_field_is_400(client: TestClient) -> None:
    body = b'{"proficiency": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    _assert_problem(_post(client, "/v1/learners", body), 400)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/skills/match", b'{"texts":["\xff"]}'),
        ("/v1/skills/extract", b'{"text":"caf\xc3"}'),
        ("/v1/learners", b'{"name":"\xfe\xff"}'),
    ],
)
def test_invalid_utf8_is_400(client: TestClient, path: str, body: bytes) -> None:
    _assert_problem(_post(client, path, body), 400)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/skills/match", {"texts": ["SQL"], "top_k": "10"}),
        ("/v1/skills/extract", {"text": "I write SQL", "threshold": "0.5"}),
        ("/v1/learners", {"discoverable": "true"}),
        ("/v1/learners", {"skills": [SQL_SKILL], "proficiency": {SQL_SKILL: "0.5"}}),
    ],
)
def test_strings_are_not_coerced_to_numbers_or_booleans(client: TestClient, path: str, body: dict) -> None:  # type: ignore[type-arg]
    problem = _assert_problem(client.post(path, json=body), 400)
    assert "Expected" in problem["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_bodies_that_are_not_json_are_415(client: TestClient, content_type: str) -> None:
    body = json.dumps({"texts": ["SQL"]}).encode()
    _assert_problem(_post(client, "/v1/skills/match", body, content_type), 415)


def test_json_with_a_charset_and_problem_json_types_are_accepted(client: TestClient) -> None:
    body = json.dumps({"texts": ["SQL"]}).encode()
    assert _post(client, "/v1/skills/match", body, "application/json; charset=utf-8").status_code == 200


def test_the_worst_case_of_the_old_limits_is_refused_413(client: TestClient) -> None:
    # 256 texts x 20,000 characters used to be accepted: ~575 s of CPU and 1 GB.
    problem = _assert_problem(client.post("/v1/skills/match", json={"texts": ["SQL " * 5_000] * 256}), 413)
    assert problem["title"]


def test_total_characters_over_the_budget_are_413(client: TestClient) -> None:
    per_text = MAX_REQUEST_CHARS // 64 + 1
    texts = [("python " * per_text)[:per_text] for _ in range(64)]
    problem = _assert_problem(client.post("/v1/skills/match", json={"texts": texts}), 413)
    assert f"{MAX_REQUEST_CHARS:,}" in problem["detail"]


def test_too_many_phrases_in_one_text_are_413(client: TestClient) -> None:
    problem = _assert_problem(client.post("/v1/skills/extract", json={"text": MANY_PHRASES}), 413)
    assert f"at most {MAX_ENCODED_TEXTS}" in problem["detail"]


def test_a_learner_with_too_many_phrases_is_413_and_not_stored(client: TestClient) -> None:
    _assert_problem(client.post("/v1/learners", json={"name": "too-much-text", "text": MANY_PHRASES}), 413)


def test_a_body_over_the_byte_limit_is_413(client: TestClient) -> None:
    _assert_problem(client.post("/v1/skills/match", json={"texts": ["x" * 20_000] * 60}), 413)


def test_created_learner_has_a_location(client: TestClient) -> None:
    response = client.post("/v1/learners", json={"name": "located"})
    assert response.status_code == 201
    location = response.headers["location"]
    assert location == f"/v1/learners/{response.json()['id']}"
    assert client.get(location).json()["name"] == "located"
