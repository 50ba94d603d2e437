"""Open-standard catalogue imports and the learner wallet through the HTTP API, on SQLite and PostgreSQL.

Each test gets a fresh, migrated database with the ESCO skills the samples align to, and an app without
models (neither endpoint needs them: an import's free text is then ``pending``, linked by the next build;
``test_standards_linking.py`` links it at import with built models).
"""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from credpath.api import create_app
from credpath.config import Settings
from credpath.services import wallet
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


CLEANSING = ESCO + "50b100ea-74fd-4706-99db-3e4ca55e51b8"
QUALITY = ESCO + "cc7370dd-69fa-4c67-a96f-d4d135d38700"
DATA_MINING = ESCO + "25f0ea33-b4a2-4f31-b7b4-7d20e827b180"


def _learner(api: TestClient, portal: dict[str, str], **body: Any) -> str:  # type: ignore[type-arg]
    created = api.post("/v1/learners", json={"name": "Ada", **body}, headers=portal)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _evidence(api: TestClient, portal: dict[str, str], lid: str) -> dict[str, tuple[str, Any, Any]]:  # type: ignore[type-arg]
    skills = api.get(f"/v1/learners/{lid}/skills", headers=portal).json()
    return {s["skill_id"]: (s["evidence"], s["proficiency"], s["source_credential_id"]) for s in skills}


def _badge(api: TestClient, portal: dict[str, str], lid: str, sample: str) -> dict[str, Any]:  # type: ignore[type-arg]
    added = api.post(f"/v1/learners/{lid}/badges", json=load(OB3 / sample), headers=portal)
    assert added.status_code == 200, added.text
    return dict(added.json()["items"][0])


def test_deleting_a_verified_badge_returns_a_declared_skill_to_the_learners_own_evidence(
    api: TestClient,  # type: ignore[type-arg]
) -> None:
    portal = _key(api, "Portal", "portal", ["learners:read", "learners:write"])
    lid = _learner(api, portal, skills=[MINING], proficiency={MINING: 0.6})
    assert _evidence(api, portal, lid)[MINING] == ("declared", 0.6, None)
    badge = _badge(api, portal, lid, "credential_eddsa.json")
    assert badge["status"] == "verified"
    upgraded = _evidence(api, portal, lid)
    assert upgraded[MINING] == ("verified", 0.6, f"badge:{badge['id']}")
    assert upgraded[DATA_MINING][0] == "verified"
    assert api.delete(f"/v1/learners/{lid}/badges/{badge['id']}", headers=portal).status_code == 204
    after = _evidence(api, portal, lid)
    # The learner's own claim comes back as it was; the skill only the badge supported is gone.
    assert after == {MINING: ("declared", 0.6, None)}


def test_a_skill_another_badge_supports_keeps_that_badges_evidence_in_either_order(
    api: TestClient,  # type: ignore[type-arg]
) -> None:
    portal = _key(api, "Portal", "portal", ["learners:read", "learners:write"])
    for first_deleted in ("verified", "claimed"):
        lid = _learner(api, portal, skills=[CLEANSING])
        claimed = _badge(api, portal, lid, "credential_did_web.json")
        verified = _badge(api, portal, lid, "credential_eddsa.jwt")
        assert (claimed["status"], verified["status"]) == ("claimed", "verified")
        assert claimed["skills"] == verified["skills"] == [CLEANSING, QUALITY]
        both = _evidence(api, portal, lid)
        assert both[CLEANSING][0] == both[QUALITY][0] == "verified"
        by_status = {"verified": verified, "claimed": claimed}
        first, second = by_status[first_deleted], by_status["claimed" if first_deleted == "verified" else "verified"]
        assert api.delete(f"/v1/learners/{lid}/badges/{first['id']}", headers=portal).status_code == 204
        middle = _evidence(api, portal, lid)
        # Still supported by the other badge: its evidence (a claimed badge's skills count as declared).
        expected = "declared" if second is claimed else "verified"
        assert middle[CLEANSING] == (expected, None, f"badge:{second['id']}")
        assert middle[QUALITY] == (expected, None, f"badge:{second['id']}")
        assert api.delete(f"/v1/learners/{lid}/badges/{second['id']}", headers=portal).status_code == 204
        # Neither badge is left: the learner's own declared skill remains, the badges' skill is gone.
        assert _evidence(api, portal, lid) == {CLEANSING: ("declared", None, None)}, first_deleted


def test_other_writes_do_not_wait_for_a_badge_being_verified(
    api: TestClient,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Proofs are checked before the write transaction opens (issue 10's stall: one write lock on SQLite)."""
    portal = _key(api, "Portal", "portal", ["learners:read", "learners:write"])
    issuer = _key(api, "Northwind", "issuer", ["catalog:write"])
    lid = _learner(api, portal)
    entered, release = threading.Event(), threading.Event()
    original = wallet.verify_credential

    def held_open(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(120)
        return original(*args, **kwargs)

    monkeypatch.setattr(wallet, "verify_credential", held_open)
    with ThreadPoolExecutor(max_workers=3) as pool:
        slow = pool.submit(
            api.post, f"/v1/learners/{lid}/badges", json=load(OB3 / "credential_eddsa.json"), headers=portal
        )
        try:
            assert entered.wait(120), "the badge never reached its proof check"
            other = pool.submit(api.post, "/v1/learners", json={"name": "Noor"}, headers=portal)
            imported = pool.submit(_import, api, issuer, "ctdl", load(CTDL / "catalogue.json"))
            # Generous bound: these take milliseconds; the failure this guards against waits for `release`.
            assert other.result(timeout=60).status_code == 201
            assert imported.result(timeout=60).status_code == 200
            assert not slow.done()
        finally:
            release.set()
        added = slow.result(timeout=120)
    assert added.status_code == 200, added.text
    assert added.json()["items"][0]["status"] == "verified"


def _form(*parts: bytes, boundary: str = "cp-boundary") -> tuple[bytes, dict[str, str]]:
    separator = f"--{boundary}".encode()
    body = b"".join(separator + b"\r\n" + part + b"\r\n" for part in parts) + separator + b"--\r\n"
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _part(disposition: bytes, content: bytes, content_type: bytes = b"application/json") -> bytes:
    return (
        b"Content-Disposition: form-data; " + disposition + b"\r\nContent-Type: " + content_type + b"\r\n\r\n" + content
    )


def _upload(api: TestClient, key: dict[str, str], body: bytes, headers: dict[str, str], fmt: str = "ctdl") -> Any:  # type: ignore[type-arg]
    return api.post("/v1/catalog/imports/upload", params={"format": fmt}, content=body, headers={**key, **headers})


def test_a_file_upload_imports_like_a_json_body(api: TestClient) -> None:  # type: ignore[type-arg]
    issuer = _key(api, "Contoso", "issuer", ["catalog:write"])
    content = (CTDL / "catalogue.json").read_bytes()
    uploaded = api.post(
        "/v1/catalog/imports/upload",
        params={"format": "ctdl"},
        files={"file": ("catalogue.json", content, "application/ld+json")},
        headers=issuer,
    )
    assert uploaded.status_code == 200, uploaded.text
    assert (uploaded.json()["created"], uploaded.json()["linking"]) == (2, "pending")
    assert _import(api, issuer, "ctdl", load(CTDL / "catalogue.json")).json()["unchanged"] == 2
    broken = _upload(api, issuer, *_form(_part(b'name="file"; filename="x.json"', b"{")))
    assert broken.status_code == 422, broken.text
    assert "line 1 column 2: not JSON" in broken.json()["detail"]
    wrong_path = _upload(
        api, issuer, *_form(_part(b'name="file"; filename="x.json"', b'[{"type": "Nope"}]')), fmt="ob3"
    )
    assert wrong_path.status_code == 422, wrong_path.text
    assert wrong_path.json()["path"].startswith("$[0]")
    assert _upload(api, {}, *_form(_part(b'name="file"; filename="c.json"', content))).status_code == 401


def test_malformed_upload_forms_are_4xx_problems(api: TestClient) -> None:  # type: ignore[type-arg]
    """The forms schemathesis sent the withdrawn endpoint (a 500), and their relatives: each a 4xx problem."""
    issuer = _key(api, "Contoso", "issuer", ["catalog:write"])
    document = (CTDL / "catalogue.json").read_bytes()
    forms = {
        "no file part": (_form(_part(b'name="note"', b"hello", b"text/plain")), 400),
        "no parts": (_form(), 400),
        "empty part name": (_form(_part(b'name=""; filename="c.json"', document)), 400),
        "no part name": (_form(_part(b'filename="c.json"', document)), 400),
        "non-UTF-8 part name": (_form(_part(b'name="\xff\xfe"; filename="c.json"', document)), 400),
        "non-UTF-8 field": (_form(_part(b'name="note"', b"\xff\xfe\xfd", b"text/plain")), 400),
        "unknown charset": (_form(_part(b'name="note"', b"hello", b"text/plain; charset=x-no-such")), 400),
        "the old field name": (_form(_part(b'name="data"; filename="c.json"', document)), 400),
        "a text field named file": (_form(_part(b'name="file"', b"{}", b"text/plain")), 400),
        "two files": (_form(*[_part(b'name="file"; filename="c.json"', document)] * 2), 400),
        "truncated": ((b"--cp-boundary\r\nContent-Disp", _form()[1]), 400),
        "no boundary": ((b"x", {"Content-Type": "multipart/form-data"}), 400),
        "JSON, not a form": ((document, {"Content-Type": "application/json"}), 415),
        "plain text": ((b"hello", {"Content-Type": "text/plain"}), 415),
        "oversized": (_form(_part(b'name="file"; filename="c.json"', b" " * 1_100_000 + document)), 413),
    }
    for name, ((body, headers), status) in forms.items():
        response = _upload(api, issuer, body, headers)
        assert response.status_code == status, (name, response.status_code, response.text)
        assert response.headers["content-type"].startswith(PROBLEM), name
        assert response.json()["status"] == status, name
    assert api.get("/v1/credentials", params={"source": f"ctdl:{_org_id(api, 'Contoso')}"}).json()["total"] == 0
