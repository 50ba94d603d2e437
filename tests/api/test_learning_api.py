"""Learners, gap analysis and recommendations over HTTP, on the whole bundle with the real model."""

from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from credpath.vocabulary import CREDENTIAL_KINDS


@pytest.fixture(scope="module")
def ids(client: TestClient) -> dict[str, str]:
    def skill(label: str) -> str:
        items = client.get("/v1/skills", params={"q": label}).json()["items"]
        return next(item["id"] for item in items if item["label"] == label)

    analyst = client.get("/v1/occupations", params={"q": "data analyst", "taxonomy": "esco"}).json()["items"][0]
    assert analyst["label"] == "data analyst"
    return {
        "analyst": analyst["id"],
        "sql": skill("SQL"),
        "statistics": skill("statistics"),
        "spreadsheets": skill("use spreadsheets software"),
    }


def _data_learner(ids: dict[str, str]) -> dict:  # type: ignore[type-arg]
    return {"skills": [ids["sql"], ids["statistics"]], "text": "I build reports in Excel spreadsheets."}


def test_gap_analysis_against_data_analyst(client: TestClient, ids: dict[str, str]) -> None:
    body = client.post(
        "/v1/gaps", json={"learner": _data_learner(ids), "target": {"occupation_id": ids["analyst"]}}
    ).json()
    assert body["target"]["label"] == "data analyst"
    items = body["items"]
    assert len(items) == body["target"]["requirements"] == body["covered"] + body["partial"] + body["missing"]
    by_id = {i["skill_id"]: i for i in items}
    assert by_id[ids["statistics"]]["status"] == "covered"
    assert by_id[ids["statistics"]]["match"] == "exact"
    assert {i["relation"] for i in items} == {"essential", "optional"}
    assert all(i["weight"] == 1.0 for i in items if i["relation"] == "essential")
    assert 0 < body["readiness"] < 1
    # Heaviest remaining gaps first.
    remaining = [i["weight"] * (1 - i["coverage"]) for i in items]
    assert remaining == sorted(remaining, reverse=True)


def test_pathway_for_data_learner(client: TestClient, ids: dict[str, str]) -> None:
    body = client.post(
        "/v1/recommendations",
        json={
            "learner": _data_learner(ids),
            "target": {"occupation_id": ids["analyst"]},
            "constraints": {"max_credentials": 3},
        },
    ).json()
    pathway = body["pathway"]
    steps = pathway["steps"]
    assert 1 <= len(steps) <= 3
    gaps = client.post(
        "/v1/gaps", json={"learner": _data_learner(ids), "target": {"occupation_id": ids["analyst"]}}
    ).json()
    essential_gaps = {i["skill_id"] for i in gaps["items"] if i["relation"] == "essential" and i["status"] != "covered"}
    for step in steps:
        assert step["reason"].startswith("Closes ")
        assert step["covers"]
        assert {c["skill_id"] for c in step["covers"]} & essential_gaps
        assert all(c["gain"] > 0 for c in step["covers"])
    assert body["next"]["credential"]["credential_id"] == steps[0]["credential_id"]
    assert body["next"]["alternatives"]
    assert pathway["readiness_after"] > pathway["readiness_before"] == gaps["readiness"]
    assert "maximum coverage" in body["algorithm"]
    # The same offering is never suggested twice (it is listed by several catalogues).
    assert len({s["title"] for s in steps}) == len(steps)


def test_hours_budget_is_respected(client: TestClient, ids: dict[str, str]) -> None:
    body = client.post(
        "/v1/recommendations",
        json={
            "learner": _data_learner(ids),
            "target": {"occupation_id": ids["analyst"]},
            "constraints": {"max_hours": 100},
        },
    ).json()
    assert body["pathway"]["total_hours"] <= 100
    assert all(step["hours"] is not None for step in body["pathway"]["steps"])


def test_never_recommends_what_is_held(client: TestClient, ids: dict[str, str]) -> None:
    first = client.post(
        "/v1/recommendations", json={"learner": _data_learner(ids), "target": {"occupation_id": ids["analyst"]}}
    ).json()
    top = first["pathway"]["steps"][0]["credential_id"]
    learner = {**_data_learner(ids), "credentials": [top]}
    second = client.post(
        "/v1/recommendations", json={"learner": learner, "target": {"occupation_id": ids["analyst"]}}
    ).json()
    assert top not in {s["credential_id"] for s in second["pathway"]["steps"]}
    assert second["pathway"]["readiness_before"] > first["pathway"]["readiness_before"]


def test_uncovered_skills_are_said_plainly(client: TestClient) -> None:
    occupation = client.get("/v1/occupations", params={"q": "shepherd", "taxonomy": "esco"}).json()["items"][0]
    body = client.post(
        "/v1/recommendations", json={"learner": {}, "target": {"occupation_id": occupation["id"]}}
    ).json()
    uncovered = body["pathway"]["uncovered"]
    assert uncovered
    assert all(u["label"] for u in uncovered)
    steps = {c["skill_id"] for s in body["pathway"]["steps"] for c in s["covers"]}
    assert not steps & {u["skill_id"] for u in uncovered}


def test_title_and_onet_targets(client: TestClient) -> None:
    by_title = client.post("/v1/gaps", json={"learner": {}, "target": {"title": "Senior Welder (m/f/d)"}}).json()
    assert by_title["target"]["kind"] == "title"
    assert "weld" in by_title["target"]["label"]
    assert by_title["target"]["score"] > 0.5
    onet = client.post("/v1/gaps", json={"learner": {}, "target": {"occupation_id": "15-2051.00"}}).json()
    assert onet["target"]["taxonomy"] == "onet"
    assert onet["items"]
    assert onet["readiness"] == 0


def test_a_title_no_occupation_matches_is_asked_about_not_planned_for(client: TestClient) -> None:
    # "Jefe de almacén" (warehouse manager) is matched against English labels; planning for whatever is
    # nearest (a boatswain, once) would answer a question nobody asked.
    for path in ("/v1/recommendations", "/v1/gaps"):
        response = client.post(path, json={"learner": {}, "target": {"title": "Jefe de almacén"}})
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert "Jefe de almacén" in problem["detail"]
        assert "occupation_id" in problem["detail"]
        candidates = problem["candidates"]
        assert len(candidates) == 5
        assert all(c["occupation_id"].startswith("http://data.europa.eu/esco/occupation/") for c in candidates)
        assert all(c["label"] for c in candidates)
        assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
        assert candidates[0]["score"] < 0.65
        # A candidate is a valid target as it stands.
        chosen = client.post(path, json={"learner": {}, "target": {"occupation_id": candidates[0]["occupation_id"]}})
        assert chosen.status_code == 200, chosen.text


def test_stored_learner_lifecycle(client: TestClient, ids: dict[str, str]) -> None:
    created = client.post("/v1/learners", json={"name": "Ada", "skills": [ids["sql"]], "text": "statistics and Excel"})
    assert created.status_code == 201
    learner = created.json()
    evidence = {s["skill_id"]: s["evidence"] for s in learner["skills"]}
    assert evidence[ids["sql"]] == "declared"
    assert "inferred" in evidence.values()
    lid = learner["id"]
    assert client.patch(f"/v1/learners/{lid}", json={"discoverable": True}).json()["discoverable"] is True
    added = client.post(
        f"/v1/learners/{lid}/skills", json={"skills": [ids["spreadsheets"]], "proficiency": {ids["spreadsheets"]: 0.5}}
    ).json()
    assert any(s["skill_id"] == ids["spreadsheets"] and s["proficiency"] == 0.5 for s in added["skills"])
    assert len(client.get(f"/v1/learners/{lid}/skills").json()) == len(added["skills"])
    stored = client.post("/v1/recommendations", json={"learner_id": lid, "target": {"occupation_id": ids["analyst"]}})
    assert stored.status_code == 200
    via_get = client.get(f"/v1/learners/{lid}/recommendations", params={"occupation_id": ids["analyst"]})
    assert via_get.status_code == 200
    assert via_get.json()["pathway"] == stored.json()["pathway"]
    removed = client.delete(f"/v1/learners/{lid}/skills/{quote(ids['sql'], safe='')}")
    assert removed.status_code == 200
    assert ids["sql"] not in {s["skill_id"] for s in removed.json()["skills"]}
    assert client.delete(f"/v1/learners/{lid}").status_code == 204
    assert client.get(f"/v1/learners/{lid}").status_code == 404


BAD = [
    ({"learner_id": "nope", "target": {"occupation_id": "15-2041.00"}}, 404),
    (
        {
            "learner": {"skills": ["http://data.europa.eu/esco/skill/not-a-skill"]},
            "target": {"occupation_id": "15-2041.00"},
        },
        404,
    ),
    ({"learner": {"credentials": ["no:such-credential"]}, "target": {"occupation_id": "15-2041.00"}}, 404),
    ({"learner": {}, "target": {"occupation_id": "99-9999.99"}}, 404),
    ({"learner": {}, "target": {"posting_id": "nope"}}, 404),
    ({"learner": {}, "target": {}}, 422),
    ({"learner": {}, "target": {"skills": []}}, 422),
    ({"learner": {}, "target": {"occupation_id": "15-2041.00", "title": "nurse"}}, 422),
    ({"learner": {}, "learner_id": "x", "target": {"occupation_id": "15-2041.00"}}, 422),
    ({"target": {"occupation_id": "15-2041.00"}}, 422),
    ({"learner": {}, "target": {"occupation_id": "15-2041.00"}, "constraints": {"kinds": []}}, 422),
    ({"learner": {}, "target": {"occupation_id": "15-2041.00"}, "constraints": {"levels": ["expert"]}}, 422),
    ({"learner": {}, "target": {"occupation_id": "15-2041.00"}, "constraints": {"kinds": ["course", "bogus"]}}, 422),
    ({"learner": {}, "target": {"occupation_id": "15-2041.00"}, "constraints": {"max_credentials": 0}}, 400),
    ({"learner": {}, "target": {"occupation_id": "15-2041.00"}, "constraints": {"max_hours": -5}}, 400),
    ({"learner": {"proficiency": {"x": 2}}, "target": {"occupation_id": "15-2041.00"}}, 400),
]


@pytest.mark.parametrize(("body", "status"), BAD)
def test_bad_recommendation_requests(client: TestClient, body: dict, status: int) -> None:  # type: ignore[type-arg]
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


def test_an_unknown_credential_kind_is_named_with_the_kinds_there_are(client: TestClient) -> None:
    body = {"learner": {}, "target": {"occupation_id": "15-2041.00"}, "constraints": {"kinds": ["bogus", "course"]}}
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "'bogus'" in detail
    assert "professional_certificate" in detail
    # A generated client learns the same list from the OpenAPI document.
    constraints = client.get("/schema/openapi.json").json()["components"]["schemas"]["ConstraintsBody"]
    (array,) = [option for option in constraints["properties"]["kinds"]["anyOf"] if option["type"] == "array"]
    assert array["items"]["enum"] == sorted(CREDENTIAL_KINDS)


def test_failed_learner_writes_change_nothing(client: TestClient, ids: dict[str, str]) -> None:
    lid = client.post("/v1/learners", json={"skills": [ids["sql"]]}).json()["id"]
    before = client.get(f"/v1/learners/{lid}").json()
    bad = client.post(
        f"/v1/learners/{lid}/skills", json={"skills": [ids["statistics"], "http://data.europa.eu/esco/skill/nope"]}
    )
    assert bad.status_code == 404
    assert client.get(f"/v1/learners/{lid}").json() == before
    bad_create = client.post("/v1/learners", json={"name": "x", "credentials": ["no:such"]})
    assert bad_create.status_code == 404
    assert client.patch("/v1/learners/unknown", json={"name": "y"}).status_code == 404
    assert client.delete(f"/v1/learners/{lid}/skills/{quote(ids['statistics'], safe='')}").status_code == 404
    assert client.patch(f"/v1/learners/{lid}", json={"unknown_field": 1}).status_code == 400
