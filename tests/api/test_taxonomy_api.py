"""Skills and occupations over HTTP, the way a portal calls them."""

from urllib.parse import quote

from litestar.testing import TestClient

from tests.sourcefiles import records

ANALYST_QUERY = "data analyst"


def _analyst(client: TestClient) -> dict:  # type: ignore[type-arg]
    response = client.get("/v1/occupations", params={"q": ANALYST_QUERY})
    assert response.status_code == 200
    first = response.json()["items"][0]
    assert (first["label"], first["taxonomy"]) == ("data analyst", "esco")
    return first


def test_data_analyst_profile_equals_esco_relations(client: TestClient, data_dir) -> None:  # type: ignore[no-untyped-def]
    analyst = _analyst(client)
    response = client.get(f"/v1/occupations/{quote(analyst['id'], safe='')}")
    assert response.status_code == 200
    body = response.json()
    relations = data_dir / "esco_v1.1.1/relations/occupationSkillRelations.csv.gz"
    expected = {"essential": set(), "optional": set()}
    for row in records(relations):
        if row["occupationUri"] == analyst["id"]:
            expected[row["relationType"]].add(row["skillUri"])
    assert {s["skill_id"] for s in body["essential_skills"]} == expected["essential"]
    assert {s["skill_id"] for s in body["optional_skills"]} == expected["optional"]
    assert all(s["label"] for s in body["essential_skills"])
    # ESCO's data analyst is mapped to an O*NET occupation through the crosswalk.
    assert body["crosswalk"]
    assert body["crosswalk"][0]["taxonomy"] == "onet"


def test_onet_occupation_has_importance_and_level(client: TestClient) -> None:
    body = client.get("/v1/occupations/15-2041.00").json()
    assert body["taxonomy"] == "onet"
    assert body["label"] == "Statisticians"
    ratings = body["onet_ratings"]
    assert len(ratings) == 68
    importances = [r["importance"] for r in ratings]
    assert importances == sorted(importances, reverse=True)
    assert all(1 <= r["importance"] <= 5 and 0 <= r["level"] <= 7 for r in ratings)
    assert any(t["hot_technology"] for t in body["technology_skills"])
    assert "Applied Statistician" in body["alt_labels"]
    assert any(link["taxonomy"] == "esco" for link in body["crosswalk"])


def test_occupation_search_filters_by_taxonomy_and_pages(client: TestClient) -> None:
    page = client.get("/v1/occupations", params={"q": "engineer", "taxonomy": "onet", "limit": 5, "offset": 5}).json()
    assert page["limit"] == 5
    assert page["offset"] == 5
    assert len(page["items"]) == 5
    assert page["total"] > 10
    assert {item["taxonomy"] for item in page["items"]} == {"onet"}
    first = client.get("/v1/occupations", params={"q": "engineer", "taxonomy": "onet", "limit": 5}).json()
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in page["items"]}


def test_skill_search_ranks_exact_label_first(client: TestClient) -> None:
    page = client.get("/v1/skills", params={"q": "SQL"}).json()
    assert page["items"][0]["label"] == "SQL"
    assert page["total"] >= 1
    # Every word must appear, in any order.
    both = client.get("/v1/skills", params={"q": "data analyse"}).json()
    assert all("data" in i["label"].lower() or i["id"] for i in both["items"])


def test_skill_detail_by_encoded_uri_and_by_uuid(client: TestClient) -> None:
    python = client.get("/v1/skills", params={"q": "Python (computer programming)"}).json()["items"][0]
    by_uri = client.get(f"/v1/skills/{quote(python['id'], safe='')}")
    by_uuid = client.get(f"/v1/skills/{python['id'].rsplit('/', 1)[1]}")
    assert by_uri.status_code == by_uuid.status_code == 200
    body = by_uri.json()
    assert body == by_uuid.json()
    assert {"skill", "skill_group"} >= {b["kind"] for b in body["broader"]}
    assert any(b["label"] == "computer programming" for b in body["broader"])
    assert body["related"]
    assert body["occupation_count"]["optional"] > 0


def test_skill_group_hierarchy_has_narrower(client: TestClient) -> None:
    skill = client.get("/v1/skills", params={"q": "computer programming"}).json()["items"][0]
    assert skill["label"] == "computer programming"
    body = client.get(f"/v1/skills/{quote(skill['id'], safe='')}").json()
    assert any(n["label"] == "Python (computer programming)" for n in body["narrower"])


def test_unknown_ids_are_404_problem_details(client: TestClient) -> None:
    for path in (
        "/v1/skills/00000000-0000-0000-0000-000000000000",
        "/v1/occupations/99-9999.99",
        "/v1/credentials/nope",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["status"] == 404
        assert body["title"] == "Not found"
        assert body["detail"]
