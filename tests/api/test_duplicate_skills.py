"""A skill given twice in one request is stored once, with its strongest evidence (issue 10, defect 3).

It used to fail with 500 (``UNIQUE constraint failed: learner_skill``); the tidy-up merged the duplicates.
These tests keep it so through the HTTP API, on SQLite and on PostgreSQL.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from credpath.api import create_app
from credpath.config import Settings
from credpath.pipeline.ingest import IngestReport
from tests.conftest import ADMIN_KEY

SQL_UUID = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
SQL_URI = f"http://data.europa.eu/esco/skill/{SQL_UUID}"
TEXT = "I write SQL queries every day"


@pytest.fixture
def backend_client(loaded: tuple[Engine, list[IngestReport]], models_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # type: ignore[type-arg]
    engine, _reports = loaded
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        models_dir=models_dir,
        bootstrap_admin_key=ADMIN_KEY,
        admin_key_file=tmp_path / "admin.key",
    )
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield client


def _skills(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 201), response.text
    ids = [skill["skill_id"] for skill in response.json()["skills"]]
    assert len(ids) == len(set(ids)), ids
    return {skill["skill_id"]: skill["evidence"] for skill in response.json()["skills"]}


def test_the_issue_example_is_created(backend_client: TestClient) -> None:
    held = _skills(backend_client.post("/v1/learners", json={"skills": [SQL_UUID], "text": TEXT}))
    assert held[SQL_URI] == "declared"


def test_a_declared_skill_also_found_in_the_text_is_stored_once_as_declared(backend_client: TestClient) -> None:
    mentions = backend_client.post("/v1/skills/extract", json={"text": TEXT, "threshold": 0.0}).json()["mentions"]
    found = mentions[0]["skill_id"]
    held = _skills(backend_client.post("/v1/learners", json={"skills": [found], "text": TEXT}))
    assert held[found] == "declared"
    # And again through the add-skills operation of an existing learner.
    learner = backend_client.post("/v1/learners", json={"name": "twice"}).json()["id"]
    again = _skills(backend_client.post(f"/v1/learners/{learner}/skills", json={"skills": [found], "text": TEXT}))
    assert again[found] == "declared"


@pytest.mark.parametrize("path", ["/v1/learners", "add"])
def test_the_uuid_and_the_uri_of_one_skill_are_one_skill(backend_client: TestClient, path: str) -> None:
    body = {"skills": [SQL_UUID, SQL_URI, SQL_UUID], "proficiency": {SQL_URI: 0.7}}
    if path == "add":
        learner = backend_client.post("/v1/learners", json={}).json()["id"]
        path = f"/v1/learners/{learner}/skills"
    response = backend_client.post(path, json=body)
    assert _skills(response) == {SQL_URI: "declared"}
    assert response.json()["skills"][0]["proficiency"] == pytest.approx(0.7)
