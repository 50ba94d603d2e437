"""Roles a learner is closest to, over HTTP on SQLite and PostgreSQL, for inline and stored learners."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from credpath.api import create_app
from credpath.config import Settings
from tests.conftest import ADMIN_KEY, BACKENDS, private_bundle_copy

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture(scope="module", params=BACKENDS)
def api(
    request: pytest.FixtureRequest, loaded_sqlite_url: str, models_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """An app over a private copy of the loaded, aligned bundle per backend (no key sent by default)."""
    folder = tmp_path_factory.mktemp(f"roles-{request.param}")
    engine = private_bundle_copy(request.param, loaded_sqlite_url, folder, request)
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        models_dir=models_dir,
        bootstrap_admin_key=ADMIN_KEY,
        admin_key_file=folder / "admin.key",
        rate_limit_per_minute=100_000,
    )
    with TestClient(create_app(settings)) as client:
        yield client
    engine.dispose()


def _skill(api: TestClient, label: str) -> str:  # type: ignore[type-arg]
    items = api.get("/v1/skills", params={"q": label}).json()["items"]
    return str(next(item["id"] for item in items if item["label"] == label))


def _analyst_learner(api: TestClient) -> dict[str, Any]:  # type: ignore[type-arg]
    skills = ["SQL", "statistics", "data analytics", "perform data analysis", "use spreadsheets software"]
    return {"skills": [_skill(api, label) for label in skills]}


def _portal(api: TestClient) -> dict[str, str]:  # type: ignore[type-arg]
    org = api.post("/v1/orgs", json={"name": f"portal {uuid.uuid4().hex[:8]}", "kind": "portal"}, headers=ADMIN)
    assert org.status_code == 201, org.text
    scopes = ["learners:read", "learners:write"]
    key = api.post(f"/v1/orgs/{org.json()['id']}/keys", json={"scopes": scopes}, headers=ADMIN)
    assert key.status_code == 201, key.text
    return {"Authorization": f"Bearer {key.json()['key']}"}


def test_an_inline_learner_gets_roles_ranked_by_essential_coverage(api: TestClient) -> None:  # type: ignore[type-arg]
    learner = _analyst_learner(api)
    response = api.post("/v1/roles", json={"learner": learner}, params={"limit": 10})
    assert response.status_code == 200, response.text
    page = response.json()
    items = page["items"]
    assert len(items) == 10 <= page["total"] <= page["occupations_ranked"]
    # Both taxonomies are ranked: thousands of ESCO occupations and O*NET ones through their borrowed profile.
    assert page["occupations_ranked"] > 1000
    keys = [(-i["essential_readiness"], i["remaining"]) for i in items]
    assert keys == sorted(keys)
    assert all(0 < i["essential_readiness"] <= 1 for i in items)
    for item in items:
        assert item["essential"] == item["covered"] + item["partial"] + item["missing"]
        assert item["remaining"] == item["partial"] + item["missing"]
    labels = " ".join(i["label"].lower() for i in items)
    assert "data" in labels or "statistic" in labels, labels
    # Each role's readiness is exactly what gap analysis answers for it as the target.
    onet = api.post("/v1/roles", json={"learner": learner}, params={"taxonomy": "onet", "limit": 3}).json()["items"]
    assert onet
    assert all(i["taxonomy"] == "onet" for i in onet)
    for item in [*items[:3], *onet[:2]]:
        gaps = api.post("/v1/gaps", json={"learner": learner, "target": {"occupation_id": item["occupation_id"]}})
        assert gaps.status_code == 200, gaps.text
        assert gaps.json()["readiness"] == pytest.approx(item["readiness"], abs=1e-4)
        essentials = [g for g in gaps.json()["items"] if g["relation"] == "essential"]
        assert len(essentials) == item["essential"]


def test_pages_follow_one_ranking(api: TestClient) -> None:  # type: ignore[type-arg]
    learner = _analyst_learner(api)
    first = api.post("/v1/roles", json={"learner": learner}, params={"limit": 6}).json()
    second = api.post("/v1/roles", json={"learner": learner}, params={"limit": 3, "offset": 3}).json()
    assert [i["occupation_id"] for i in first["items"][3:]] == [i["occupation_id"] for i in second["items"]]
    assert first["total"] == second["total"]
    esco = api.post("/v1/roles", json={"learner": learner}, params={"taxonomy": "esco"}).json()
    assert all(i["taxonomy"] == "esco" for i in esco["items"])
    assert esco["total"] < first["total"]


def test_a_learner_holding_nothing_is_close_to_no_role(api: TestClient) -> None:  # type: ignore[type-arg]
    page = api.post("/v1/roles", json={"learner": {}}).json()
    assert page["items"] == []
    assert page["total"] == 0


def test_stored_learner_roles_follow_the_learner_rules(api: TestClient) -> None:  # type: ignore[type-arg]
    portal, other = _portal(api), _portal(api)
    learner = _analyst_learner(api)
    created = api.post("/v1/learners", json=learner, headers=portal)
    assert created.status_code == 201, created.text
    learner_id = created.json()["id"]
    stored = api.post(f"/v1/learners/{learner_id}/roles", params={"limit": 5}, headers=portal)
    assert stored.status_code == 200, stored.text
    by_body = api.post("/v1/roles", json={"learner_id": learner_id}, params={"limit": 5}, headers=portal)
    assert by_body.json() == stored.json()
    inline = api.post("/v1/roles", json={"learner": learner}, params={"limit": 5}).json()
    assert [i["occupation_id"] for i in stored.json()["items"]] == [i["occupation_id"] for i in inline["items"]]
    # Another organisation's key sees no such learner; no key at all is asked for one.
    assert api.post(f"/v1/learners/{learner_id}/roles", headers=other).status_code == 404
    assert api.post("/v1/roles", json={"learner_id": learner_id}, headers=other).status_code == 404
    anonymous = api.post(f"/v1/learners/{learner_id}/roles")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("body", "params", "status"),
    [
        ({"learner": {}, "learner_id": "x"}, {}, 422),
        ({}, {}, 422),
        ({"learner": {"skills": ["no-such-skill"]}}, {}, 404),
        ({"learner": {}, "extra": 1}, {}, 400),
        ({"learner": {}}, {"limit": 0}, 400),
        ({"learner": {}}, {"limit": 101}, 400),
        ({"learner": {}}, {"taxonomy": "isco"}, 400),
        ({"learner": {}}, {"offset": -1}, 400),
    ],
)
def test_bad_input_is_a_problem_not_a_crash(
    api: TestClient,  # type: ignore[type-arg]
    body: dict[str, Any],
    params: dict[str, Any],
    status: int,
) -> None:
    response = api.post("/v1/roles", json=body, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
