"""Bad input gets a 4xx problem-details answer, never a 500; OpenAPI is served; health reports state."""

import pytest
from litestar.testing import TestClient

BAD_REQUESTS = [
    ("GET", "/v1/skills?limit=0"),
    ("GET", "/v1/skills?limit=101"),
    ("GET", "/v1/skills?limit=abc"),
    ("GET", "/v1/skills?offset=-1"),
    ("GET", "/v1/skills?q=" + "x" * 201),
    ("GET", "/v1/occupations?taxonomy=isco"),
    ("GET", "/v1/credentials?max_hours=-3"),
    ("GET", "/v1/credentials?max_hours=lots"),
    ("GET", "/v1/credentials?limit=1e9"),
    ("POST", "/v1/skills"),
    ("DELETE", "/v1/credentials/x"),
    ("GET", "/v1/nowhere"),
    ("GET", "/v1/skills/%00%ff"),
    ("GET", "/v1/occupations/' OR 1=1 --"),
]
# Odd but legal: must answer normally, never 5xx.
ODD_REQUESTS = [
    "/v1/skills?q=%25%5F%5C",
    "/v1/skills?q=%F0%9F%98%80",
    "/v1/credentials?q=%27%3B%20DROP%20TABLE%20skill%3B--",
    "/v1/skills?q=",
]


@pytest.mark.parametrize(("method", "path"), BAD_REQUESTS)
def test_bad_requests_are_4xx_problem_details(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"]
    assert "detail" in body


@pytest.mark.parametrize("path", ODD_REQUESTS)
def test_odd_but_legal_queries_answer_200(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert client.get("/v1/health").json()["counts"]["skills"] == 13_896


def test_like_wildcards_are_literal(client: TestClient) -> None:
    # "%" and "_" must not act as SQL wildcards: a query of only wildcards matches nothing.
    assert client.get("/v1/skills", params={"q": "%_%"}).json()["total"] == 0


def test_openapi_document_lists_the_v1_api(client: TestClient) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert schema["info"]["title"] == "credpath"
    for path in (
        "/v1/health",
        "/v1/skills",
        "/v1/skills/{skill_id}",
        "/v1/occupations/{occupation_id}",
        "/v1/credentials",
    ):
        assert path in schema["paths"]


def test_health_reports_data_and_index(client: TestClient) -> None:
    body = client.get("/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["data_loaded"] is True
    assert body["counts"]["skills"] == 13_896
    assert body["counts"]["occupations"] == 3_007 + 1_016
    assert {d["name"] for d in body["datasets"]} >= {"esco", "onet", "crosswalk", "catalog:edx"}
    assert body["index"]["state"] == "ready"
    assert body["index"]["indexes"] == {"skills": "ready", "occupations": "ready", "credentials": "ready"}
    assert body["index"]["encoder"] == "onnx-int8"


def test_health_on_an_empty_database_is_degraded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from credpath.api import create_app
    from credpath.config import Settings

    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'empty.db'}",
            models_dir=tmp_path,
            admin_key_file=tmp_path / "admin.key",
        )
    )
    with TestClient(app) as fresh:
        body = fresh.get("/v1/health").json()
        assert (body["status"], body["data_loaded"]) == ("degraded", False)
        assert body["index"]["state"] == "absent"
        refused = fresh.post("/v1/skills/match", json={"texts": ["SQL"]})
        assert refused.status_code == 503
        assert "build-index" in refused.json()["detail"]
        assert fresh.get("/v1/skills").json() == {"items": [], "total": 0, "limit": 20, "offset": 0}
