"""Open-standard catalogue imports and the learner wallet through the HTTP API, on SQLite and PostgreSQL.

Each test gets a fresh, migrated database with the ESCO skills the samples align to, and an app without
models (neither endpoint needs them).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from credpath.api import create_app
from credpath.config import Settings
from tests.conftest import ADMIN_KEY
from tests.standards_samples import CTDL, ESCO, OB3, load, seed_skills

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
MINING = ESCO + "4216e465-7baa-4884-a241-54b197bb9278"
PROBLEM = "application/problem+json"


@pytest.fixture
def api(empty_engine: Engine, tmp_path: Path) -> Iterator[TestClient]:  # type: ignore[type-arg]
    seed_skills(empty_engine)
    settings = Settings(
        database_url=empty_engine.url.render_as_string(hide_password=False),
        models_dir=tmp_path / "models",
        bootstrap_admin_key=ADMIN_KEY,
        admin_key_file=tmp_path / "admin.key",
        rate_limit_per_minute=100_000,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _key(api: TestClient, name: str, kind: str, scopes: list[str]) -> dict[str, str]:  # type: ignore[type-arg]
    org = api.post("/v1/orgs", json={"name": name, "kind": kind}, headers=ADMIN)
    assert org.status_code == 201, org.text
    key = api.post(f"/v1/orgs/{org.json()['id']}/keys", json={"scopes": scopes}, headers=ADMIN)
    assert key.status_code == 201, key.text
    return {"Authorization": f"Bearer {key.json()['key']}"}


def _import(api: TestClient, key: dict[str, str], fmt: str, body: Any) -> Any:  # type: ignore[type-arg]
    return api.post("/v1/catalog/imports", params={"format": fmt}, json=body, headers=key)


def test_each_format_imports_and_esco_alignments_survive_unchanged(api: TestClient) -> None:  # type: ignore[type-arg]
    issuer = _key(api, "Northwind", "issuer", ["catalog:write"])
    ob3 = _import(api, issuer, "ob3", load(OB3 / "achievements.json"))
    assert ob3.status_code == 200, ob3.text
    assert (ob3.json()["created"], ob3.json()["format"]) == (3, "ob3")
    ctdl = _import(api, issuer, "ctdl", load(CTDL / "catalogue.json"))
    assert ctdl.status_code == 200, ctdl.text
    assert [c["competencies"] for c in ctdl.json()["credentials"]] == [
        ["Build dashboards that present findings to decision makers"],
        ["Interpret descriptive statistics"],
    ]
    mining = ob3.json()["credentials"][0]
    detail = api.get(f"/v1/credentials/{mining['id']}").json()
    assert (detail["cost"], detail["currency"], detail["duration_hours"], detail["kind"]) == (
        120.0,
        "EUR",
        20.0,
        "badge",
    )
    assert [a["target_url"] for a in detail["declared_alignments"]] == [
        MINING,
        ESCO + "25f0ea33-b4a2-4f31-b7b4-7d20e827b180",
    ]
    skills = {s["skill_id"]: (s["source"], s["confidence"], s["evidence"]) for s in detail["skills"]}
    assert skills[MINING] == ("declared", 1.0, "declared_by_issuer")
    # Re-importing the same document changes nothing.
    again = _import(api, issuer, "ob3", load(OB3 / "achievements.json")).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert api.get(f"/v1/credentials/{mining['id']}").json()["updated_at"] == detail["updated_at"]


def test_a_wrong_json_path_is_named_and_the_batch_is_all_or_nothing(api: TestClient) -> None:  # type: ignore[type-arg]
    issuer = _key(api, "Northwind", "issuer", ["catalog:write"])
    response = _import(api, issuer, "ob3", load(OB3 / "broken_alignment_url.json"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["path"] == "$[2].alignment[2].targetUrl"
    assert body["detail"].startswith("$[2].alignment[2].targetUrl: ")
    # Its first two achievements were valid, and still nothing was stored.
    assert api.get("/v1/credentials", params={"source": f"ob3:{_org_id(api, 'Northwind')}"}).json()["total"] == 0
    credential = load(OB3 / "achievement_credential.json")
    credential["credentialSubject"]["achievement"]["alignment"].append({"type": ["Alignment"], "targetName": "x"})
    missing = _import(api, issuer, "ob3", credential).json()
    assert missing["path"] == "$.credentialSubject.achievement.alignment[2].targetUrl"
    ctdl = _import(api, issuer, "ctdl", load(CTDL / "broken_cost.json")).json()
    assert ctdl["path"] == "$['@graph'][2]['ceterms:estimatedCost'][0]['ceterms:price']"
    assert _import(api, issuer, "ob3", ["not an object"]).json()["path"] == "$[0]"
    assert _import(api, issuer, "xml", {}).status_code == 400


def _org_id(api: TestClient, name: str) -> str:  # type: ignore[type-arg]
    orgs = api.get("/v1/orgs", headers=ADMIN).json()["items"]
    return str(next(o["id"] for o in orgs if o["name"] == name))


def test_imports_need_catalog_write_and_stay_within_the_issuer(api: TestClient) -> None:  # type: ignore[type-arg]
    assert _import(api, {}, "ob3", load(OB3 / "achievements.json")).status_code == 401
    portal = _key(api, "Portal", "portal", ["learners:read", "learners:write"])
    assert _import(api, portal, "ob3", load(OB3 / "achievements.json")).status_code == 403
    northwind = _key(api, "Northwind", "issuer", ["catalog:write"])
    impostor = _key(api, "Impostor", "issuer", ["catalog:write"])
    original = _import(api, northwind, "ob3", load(OB3 / "achievements.json")).json()["credentials"][0]
    forged = load(OB3 / "achievements.json")
    forged[0]["name"] = "Hijacked"
    copy = _import(api, impostor, "ob3", forged).json()["credentials"][0]
    assert copy["id"] != original["id"]
    assert api.get(f"/v1/credentials/{original['id']}").json()["title"] == "Data Analyst Foundations: Data Mining"


def test_wallet_verified_claimed_tampered_and_delete(api: TestClient) -> None:  # type: ignore[type-arg]
    portal = _key(api, "Portal", "portal", ["learners:read", "learners:write"])
    learner = api.post("/v1/learners", json={"name": "Ada"}, headers=portal)
    assert learner.status_code == 201, learner.text
    lid = learner.json()["id"]
    submission = [
        load(OB3 / "credential_eddsa.json"),
        load(OB3 / "credential_did_web.json"),
        load(OB3 / "credential_es256.jwt"),
    ]
    added = api.post(f"/v1/learners/{lid}/badges", json=submission, headers=portal)
    assert added.status_code == 200, added.text
    items = added.json()["items"]
    assert [(b["status"], b["format"], b["method"]) for b in items] == [
        ("verified", "json", "eddsa-rdfc-2022"),
        ("claimed", "json", "eddsa-rdfc-2022"),
        ("verified", "jwt", "vc-jwt-ES256"),
    ]
    assert "did:web" in items[1]["reason"]
    evidence = {s["skill_id"]: s["evidence"] for s in api.get(f"/v1/learners/{lid}/skills", headers=portal).json()}
    assert evidence[MINING] == "verified"
    assert evidence[ESCO + "50b100ea-74fd-4706-99db-3e4ca55e51b8"] == "declared"

    for sample in ("credential_eddsa_tampered.json", "credential_es256_tampered.jwt", "credential_eddsa_expired.json"):
        rejected = api.post(f"/v1/learners/{lid}/badges", json=load(OB3 / sample), headers=portal)
        assert rejected.status_code == 422, (sample, rejected.text)
        assert rejected.headers["content-type"].startswith(PROBLEM)
    assert len(api.get(f"/v1/learners/{lid}/badges", headers=portal).json()["items"]) == 3

    gone = api.delete(f"/v1/learners/{lid}/badges/{items[0]['id']}", headers=portal)
    assert gone.status_code == 204, gone.text
    after = {s["skill_id"] for s in api.get(f"/v1/learners/{lid}/skills", headers=portal).json()}
    assert MINING not in after
    assert ESCO + "50b100ea-74fd-4706-99db-3e4ca55e51b8" in after
    assert api.delete(f"/v1/learners/{lid}/badges/{items[0]['id']}", headers=portal).status_code == 404
    stranger = _key(api, "Elsewhere", "portal", ["learners:read", "learners:write"])
    assert api.get(f"/v1/learners/{lid}/badges", headers=stranger).status_code == 404
