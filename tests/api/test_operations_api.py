"""Probes, request ids, logs without learner data, and Prometheus metrics, through ``create_app``."""

import logging
import re

import pytest
from litestar.testing import TestClient

LEARNER_TEXT = "Zyxwv Qorbant keeps the quarterly ledgers of a marmalade cooperative"


def test_liveness_answers_without_consulting_anything(client: TestClient) -> None:
    response = client.get("/v1/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readiness_when_database_and_indexes_are_fresh(client: TestClient) -> None:
    response = client.get("/v1/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert body["loaded"] is True
    assert body["indexes"] == {"skills": "ready", "occupations": "ready", "credentials": "ready"}


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    given = client.get("/v1/health/live", headers={"X-Request-ID": "probe-42.a"})
    assert given.headers["x-request-id"] == "probe-42.a"
    generated = client.get("/v1/health/live")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    # Anything that is not a plain token is replaced, so it can never be written into a log line.
    hostile = client.get("/v1/health/live", headers={"X-Request-ID": 'a b"}{'})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])
    # Error responses carry it too.
    missing = client.get("/v1/learners/not-there", headers={"X-Request-ID": "err-1"})
    assert missing.status_code == 404
    assert missing.headers["x-request-id"] == "err-1"


def test_logs_carry_request_id_and_no_learner_data(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    created = client.post(
        "/v1/learners", json={"name": "Qorbant", "text": LEARNER_TEXT}, headers={"X-Request-ID": "write-1"}
    )
    assert created.status_code == 201
    learner = created.json()["id"]
    read = client.get(f"/v1/learners/{learner}", headers={"X-Request-ID": "read-1"})
    assert read.status_code == 200
    assert read.json()["name"] == "Qorbant"
    # A failing write (unknown skill) must not leak its parameters either.
    client.post("/v1/learners", json={"text": LEARNER_TEXT, "skills": ["Zyxwv-no-such-skill"]})

    access = [r for r in caplog.records if r.name == "credpath.access"]
    by_id = {getattr(r, "request_id", None): r for r in access}
    assert by_id["write-1"].route == "/v1/learners"  # type: ignore[attr-defined]
    assert by_id["write-1"].status == 201  # type: ignore[attr-defined]
    assert by_id["read-1"].route == "/v1/learners/{learner_id}"  # type: ignore[attr-defined]
    # The server's records only: the test client (httpx) logs the URLs it requests.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    everything = "\n".join(f"{r.getMessage()} {r.__dict__} {r.exc_text or ''}" for r in server)
    assert "Zyxwv" not in everything
    assert "Qorbant" not in everything
    assert learner not in everything


def test_metrics_per_route_index_generation_and_encoder(client: TestClient) -> None:
    client.get("/v1/skills", params={"q": "sql"})
    client.post("/v1/skills/match", json={"texts": ["python programming"], "top_k": 3})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert re.search(r'credpath_requests_total\{[^}]*path="/v1/skills"[^}]*\} [1-9]', text)
    assert re.search(r'credpath_request_duration_seconds_bucket\{[^}]*path="/v1/skills/match"', text)
    # Paths are grouped by template, so stored ids never become label values.
    assert not re.search(r'path="/v1/learners/[0-9a-f]', text)
    for index in ("skills", "occupations", "credentials"):
        match = re.search(rf'credpath_index_generation\{{index="{index}"\}} ([0-9.e+]+)', text)
        assert match
        assert float(match.group(1)) > 1.7e9
        assert f'credpath_index_ready{{index="{index}"}} 1.0' in text
    assert re.search(r'credpath_encoder_info\{backend="onnx[^"]*",name="[^"]+"\} 1.0', text)
