"""API keys, scopes, tenancy, limits and audit through the HTTP API, on SQLite and PostgreSQL.

Each test gets a fresh, migrated database on each backend with a few ESCO skills, and an app that
ensures the admin key ``ADMIN_KEY`` (as ``CREDPATH_BOOTSTRAP_ADMIN_KEY`` would).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session

from credpath.api import create_app
from credpath.config import Settings
from credpath.errors import InvalidInputError
from credpath.services import access
from credpath.storage.db import session_scope
from credpath.storage.tables import ApiKey, AuditEvent, Occupation, OccupationSkill, Skill
from tests.conftest import ADMIN_KEY

SQL = "http://data.europa.eu/esco/skill/sql"
EXCEL = "http://data.europa.eu/esco/skill/excel"
ANALYST = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
LEARNER_SCOPES = ["learners:read", "learners:write"]

MakeClient = Callable[..., TestClient]  # type: ignore[type-arg]


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def make_client(empty_engine: Engine, tmp_path: Path) -> Iterator[MakeClient]:
    """Start apps over the test's database (several may share it: settings differ per app)."""
    with session_scope(empty_engine) as session:
        for skill_id, label in ((SQL, "SQL"), (EXCEL, "use spreadsheets software")):
            session.add(Skill(id=skill_id, preferred_label=label))
        session.add(Occupation(id=ANALYST, taxonomy="esco", preferred_label="data analyst"))
        session.flush()
        session.add(OccupationSkill(occupation_id=ANALYST, skill_id=SQL, relation_type="essential"))
    clients: list[TestClient] = []  # type: ignore[type-arg]

    def start(**overrides: Any) -> TestClient:  # type: ignore[type-arg]
        values: dict[str, Any] = {
            "database_url": _url(empty_engine),
            "models_dir": tmp_path / "models",
            "bootstrap_admin_key": ADMIN_KEY,
            "admin_key_file": tmp_path / "admin.key",
            "rate_limit_per_minute": 100_000,
        }
        values.update(overrides)
        client = TestClient(create_app(Settings(**values)))
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:  # type: ignore[type-arg]
    return make_client()


def _org(client: TestClient, name: str, kind: str = "portal") -> str:  # type: ignore[type-arg]
    response = client.post("/v1/orgs", json={"name": name, "kind": kind}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _key(client: TestClient, org_id: str, scopes: list[str], **extra: Any) -> dict[str, str]:  # type: ignore[type-arg]
    response = client.post(f"/v1/orgs/{org_id}/keys", json={"scopes": scopes, **extra}, headers=ADMIN)
    assert response.status_code == 201, response.text
    body = response.json()
    return {"Authorization": f"Bearer {body['key']}", "prefix": body["prefix"], "key": body["key"]}


def _auth(key: dict[str, str]) -> dict[str, str]:
    return {"Authorization": key["Authorization"]}


def _assert_401(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")


def test_missing_bad_revoked_and_expired_keys_are_401(client: TestClient) -> None:  # type: ignore[type-arg]
    portal = _key(client, _org(client, "Portal A"), LEARNER_SCOPES)
    assert client.get("/v1/learners/x", headers=_auth(portal)).status_code == 404  # the key works
    _assert_401(client.get("/v1/learners/x"))  # no key
    _assert_401(client.get("/v1/learners/x", headers={"Authorization": "Bearer cp_deadbeef_" + "x" * 43}))
    _assert_401(client.get("/v1/learners/x", headers={"Authorization": portal["Authorization"] + "y"}))
    _assert_401(client.get("/v1/learners/x", headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    _assert_401(client.post("/v1/learners", json={"name": "Ada"}))

    expires = datetime.now(UTC) + timedelta(seconds=1)
    expiring = _key(client, _org(client, "Portal B"), LEARNER_SCOPES, expires_at=expires.isoformat())
    assert client.get("/v1/learners/x", headers=_auth(expiring)).status_code == 404
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.05)
    _assert_401(client.get("/v1/learners/x", headers=_auth(expiring)))

    # Revoked through the server that has just used (and cached) the key: refused at once.
    assert client.delete(f"/v1/keys/{portal['prefix']}", headers=ADMIN).status_code == 204
    _assert_401(client.get("/v1/learners/x", headers=_auth(portal)))
    assert client.delete(f"/v1/keys/{portal['prefix']}", headers=ADMIN).status_code == 204  # idempotent
    assert client.delete("/v1/keys/nosuchpx", headers=ADMIN).status_code == 404
    states = {k["prefix"]: k for k in client.get("/v1/keys", headers=ADMIN).json()}
    assert states[portal["prefix"]]["revoked_at"] is not None
    assert states[portal["prefix"]]["last_used_at"] is not None
    assert "key" not in states[portal["prefix"]]
    # Creating a key already expired is refused.
    past = client.post(
        f"/v1/orgs/{states[portal['prefix']]['org_id']}/keys",
        json={"scopes": ["learners:read"], "expires_at": "2000-01-01T00:00:00Z"},
        headers=ADMIN,
    )
    assert past.status_code == 422


def test_another_server_trusts_a_key_for_at_most_its_cache_time(make_client: MakeClient) -> None:
    # Two servers over one database (two workers or replicas); each trusts a key it looked up for
    # key_cache_seconds, so a revocation through one reaches the other within that time, and a cached key
    # still expires on time.
    first, second = make_client(key_cache_seconds=0.5), make_client(key_cache_seconds=30)
    portal = _key(first, _org(first, "Portal A"), LEARNER_SCOPES)
    assert first.get("/v1/learners/x", headers=_auth(portal)).status_code == 404
    assert first.delete(f"/v1/keys/{portal['prefix']}", headers=ADMIN).status_code == 204
    _assert_401(first.get("/v1/learners/x", headers=_auth(portal)))

    other = _key(second, _org(second, "Portal B"), LEARNER_SCOPES)
    assert first.get("/v1/learners/x", headers=_auth(other)).status_code == 404  # cached by the first
    assert second.delete(f"/v1/keys/{other['prefix']}", headers=ADMIN).status_code == 204
    time.sleep(0.6)
    _assert_401(first.get("/v1/learners/x", headers=_auth(other)))

    expires = datetime.now(UTC) + timedelta(seconds=1)
    expiring = _key(second, _org(second, "Portal C"), LEARNER_SCOPES, expires_at=expires.isoformat())
    assert second.get("/v1/learners/x", headers=_auth(expiring)).status_code == 404  # cached for 30 s
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.05)
    _assert_401(second.get("/v1/learners/x", headers=_auth(expiring)))


def test_a_key_without_the_scope_is_403(client: TestClient) -> None:  # type: ignore[type-arg]
    org = _org(client, "Portal A")
    reader = _auth(_key(client, org, ["learners:read"]))
    writer = _auth(_key(client, org, ["learners:write"]))
    employer = _auth(_key(client, _org(client, "Acme", "employer"), ["postings:read", "postings:write"]))
    learner = client.post("/v1/learners", json={"name": "Ada", "skills": [SQL]}, headers=writer).json()["id"]
    assert client.get(f"/v1/learners/{learner}", headers=reader).status_code == 200
    for response in (
        client.post("/v1/learners", json={"name": "Bo"}, headers=reader),
        client.patch(f"/v1/learners/{learner}", json={"name": "Bo"}, headers=reader),
        client.delete(f"/v1/learners/{learner}", headers=reader),
        client.get(f"/v1/learners/{learner}", headers=writer),
        client.get(f"/v1/learners/{learner}", headers=employer),
        client.post("/v1/gaps", json={"learner_id": learner, "target": {"skills": [SQL]}}, headers=employer),
        client.post("/v1/recommendations", json={"learner_id": learner, "target": {"skills": [SQL]}}, headers=writer),
        client.get("/v1/orgs", headers=reader),
        client.post("/v1/orgs", json={"name": "Mine", "kind": "portal"}, headers=writer),
        client.get("/v1/audit", headers=employer),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["status"] == 403
    # Learner-based gaps without any key: 401; an inline learner stays a public read.
    _assert_401(client.post("/v1/gaps", json={"learner_id": learner, "target": {"skills": [SQL]}}))
    inline = client.post("/v1/gaps", json={"learner": {"skills": [SQL]}, "target": {"skills": [SQL, EXCEL]}})
    assert inline.status_code == 200
    assert inline.json()["covered"] == 1


def test_another_portal_gets_404_for_every_verb_and_admin_sees_both(client: TestClient) -> None:  # type: ignore[type-arg]
    first = _auth(_key(client, _org(client, "Portal A"), LEARNER_SCOPES))
    second = _auth(_key(client, _org(client, "Portal B"), LEARNER_SCOPES))
    mine = client.post("/v1/learners", json={"name": "Ada", "skills": [SQL]}, headers=first).json()["id"]
    theirs = client.post("/v1/learners", json={"name": "Bo", "skills": [EXCEL]}, headers=second).json()["id"]
    target = {"skills": [SQL, EXCEL]}

    def every_verb(learner: str, headers: dict[str, str]) -> list[Any]:
        return [
            client.get(f"/v1/learners/{learner}", headers=headers),
            client.patch(f"/v1/learners/{learner}", json={"discoverable": True}, headers=headers),
            client.get(f"/v1/learners/{learner}/skills", headers=headers),
            client.post(f"/v1/learners/{learner}/skills", json={"skills": [EXCEL]}, headers=headers),
            client.delete(f"/v1/learners/{learner}/skills/sql", headers=headers),
            client.post("/v1/gaps", json={"learner_id": learner, "target": target}, headers=headers),
            client.post("/v1/recommendations", json={"learner_id": learner, "target": target}, headers=headers),
            client.get(
                f"/v1/learners/{learner}/recommendations?occupation_id=d3edb8f8-3a06-47a0-8fb9-9b212c006aa2",
                headers=headers,
            ),
            client.delete(f"/v1/learners/{learner}", headers=headers),
        ]

    for response in every_verb(mine, second):
        assert response.status_code == 404, response.text
        assert response.json()["detail"] == f"no learner with id {mine!r}"
    # The same 404 as an id that does not exist at all: nothing to tell them apart.
    unknown = client.get("/v1/learners/0123456789abcdef0123456789abcdef", headers=second).json()
    probed = client.get(f"/v1/learners/{mine}", headers=second).json()
    assert probed["detail"].replace(mine, "ID") == unknown["detail"].replace("0123456789abcdef0123456789abcdef", "ID")
    # Nothing changed: the owner still sees the learner as created.
    owned = client.get(f"/v1/learners/{mine}", headers=first).json()
    assert (owned["discoverable"], [s["skill_id"] for s in owned["skills"]]) == (False, [SQL])
    gaps = client.post("/v1/gaps", json={"learner_id": mine, "target": target}, headers=first)
    assert (gaps.status_code, gaps.json()["covered"]) == (200, 1)
    assert (
        client.post("/v1/recommendations", json={"learner_id": mine, "target": target}, headers=first).status_code
        == 200
    )
    # Admin sees both, and a learner admin creates belongs to no portal.
    assert client.get(f"/v1/learners/{mine}", headers=ADMIN).json()["name"] == "Ada"
    assert client.get(f"/v1/learners/{theirs}", headers=ADMIN).json()["name"] == "Bo"
    assert client.post("/v1/gaps", json={"learner_id": theirs, "target": target}, headers=ADMIN).status_code == 200
    operators = client.post("/v1/learners", json={"name": "Op"}, headers=ADMIN).json()["id"]
    assert client.get(f"/v1/learners/{operators}", headers=first).status_code == 404
    # Each verb works for the owner (the delete last).
    statuses = [r.status_code for r in every_verb(theirs, second)]
    assert statuses == [200, 200, 200, 200, 404, 200, 200, 200, 204]  # (404: the learner holds no "sql")
    assert client.get(f"/v1/learners/{theirs}", headers=ADMIN).status_code == 404


def test_keys_are_never_stored_or_logged_in_plain_text(
    client: TestClient,
    empty_engine: Engine,
    caplog: pytest.LogCaptureFixture,  # type: ignore[type-arg]
) -> None:
    caplog.set_level(logging.DEBUG)
    created = _key(client, _org(client, "Portal A"), LEARNER_SCOPES)
    key = created["key"]
    assert key.startswith(f"cp_{created['prefix']}_")
    assert len(key) >= 3 + 8 + 1 + 43
    client.post("/v1/learners", json={"name": "Ada"}, headers=_auth(created))
    client.get("/v1/learners/nobody", headers={"Authorization": f"Bearer {key}x"})
    with Session(empty_engine) as session:
        rows = session.scalars(select(ApiKey)).all()
        events = session.scalars(select(AuditEvent)).all()
    stored = [str(value) for row in rows for value in row.model_dump().values()]
    stored += [str(value) for row in events for value in row.model_dump().values()]
    assert not [value for value in stored if key in value or ADMIN_KEY in value]
    by_prefix = {row.prefix: row for row in rows}
    assert by_prefix[created["prefix"]].key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert caplog.records  # the log was captured
    assert key not in caplog.text
    assert ADMIN_KEY not in caplog.text
    listed = client.get("/v1/keys", headers=ADMIN).text
    assert key not in listed
    assert ADMIN_KEY not in listed


def test_writes_are_audited_with_the_key_prefix(client: TestClient) -> None:  # type: ignore[type-arg]
    org = _org(client, "Portal A")
    portal = _key(client, org, LEARNER_SCOPES)
    learner = client.post("/v1/learners", json={"name": "Ada"}, headers=_auth(portal)).json()["id"]
    client.patch(f"/v1/learners/{learner}", json={"name": "Ada L."}, headers=_auth(portal))
    client.delete(f"/v1/learners/{learner}", headers=_auth(portal))
    client.delete(f"/v1/keys/{portal['prefix']}", headers=ADMIN)
    trail = client.get("/v1/audit", params={"entity_id": learner}, headers=ADMIN).json()
    assert [(e["action"], e["actor"], e["org_id"]) for e in trail["items"]] == [
        ("delete", portal["prefix"], org),
        ("update", portal["prefix"], org),
        ("create", portal["prefix"], org),  # one event: the row and its skills are one write
    ]
    everything = client.get("/v1/audit", headers=ADMIN).json()["items"]
    kinds = {(e["entity"], e["action"]) for e in everything}
    assert {("organisation", "create"), ("key", "create"), ("key", "revoke")} <= kinds
    admin_prefix = next(k["prefix"] for k in client.get("/v1/keys", headers=ADMIN).json() if "admin" in k["scopes"])
    assert (
        next(e for e in everything if e["entity"] == "organisation" and e["entity_id"] == org)["actor"] == admin_prefix
    )


def test_rate_limit_answers_429_with_retry_after_and_keeps_serving(make_client: MakeClient) -> None:
    client = make_client(rate_limit_per_minute=5)
    org = _org(client, "Portal A")
    first = _auth(_key(client, org, LEARNER_SCOPES))
    second = _auth(_key(client, org, LEARNER_SCOPES))
    statuses = [client.get("/v1/learners/x", headers=first).status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    limited = client.get("/v1/learners/x", headers=first)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["title"] == "Too many requests"
    # Other keys and anonymous callers have their own allowance: the server keeps serving them.
    assert client.get("/v1/learners/x", headers=second).status_code == 404
    assert client.get("/v1/health").status_code == 200


def test_oversized_body_is_413_and_the_server_keeps_serving(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=4096)
    big = {"learner": {"skills": [SQL], "text": "x" * 5000}, "target": {"skills": [SQL]}}
    response = client.post("/v1/gaps", json=big)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    small = client.post("/v1/gaps", json={"learner": {"skills": [SQL]}, "target": {"skills": [SQL]}})
    assert small.status_code == 200


def test_public_reads_can_require_a_key(make_client: MakeClient) -> None:
    open_client = make_client()
    assert open_client.get("/v1/skills", params={"q": "sql"}).status_code == 200
    closed = make_client(public_reads=False)
    _assert_401(closed.get("/v1/skills", params={"q": "sql"}))
    _assert_401(closed.post("/v1/gaps", json={"learner": {"skills": [SQL]}, "target": {"skills": [SQL]}}))
    issuer = _auth(_key(closed, _org(closed, "Issuer", "issuer"), ["catalog:write"]))
    assert closed.get("/v1/skills", params={"q": "sql"}, headers=issuer).status_code == 200
    assert closed.get("/v1/health").status_code == 200  # health stays open for load balancers


def test_cors_is_off_by_default_and_configurable(make_client: MakeClient) -> None:
    preflight = {"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}
    default = make_client().options("/v1/gaps", headers=preflight)
    assert "access-control-allow-origin" not in default.headers
    allowed = make_client(cors_origins=["https://portal.example"]).options("/v1/gaps", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"


@pytest.fixture
def first_start(empty_engine: Engine, tmp_path: Path) -> tuple[Settings, list[Litestar]]:
    """Two apps over a database without keys, built before the test body (Litestar configures logging on
    creation, which would otherwise replace the handler ``caplog`` installs for the test)."""
    settings = Settings(
        database_url=_url(empty_engine), models_dir=tmp_path, admin_key_file=tmp_path / "data" / "admin.key"
    )
    return settings, [create_app(settings), create_app(settings)]


def test_first_start_writes_an_admin_key_file_once(
    first_start: tuple[Settings, list[Litestar]], empty_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings, (app, restarted) = first_start
    key_file = settings.admin_key_file
    with TestClient(app) as first:
        key = key_file.read_text().strip()
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert first.get("/v1/orgs", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    said = [r.getMessage() for r in caplog.records if str(key_file) in r.getMessage()]
    assert len(said) == 1, caplog.text
    assert key not in caplog.text
    caplog.clear()
    with TestClient(restarted):  # keys exist now: nothing new is written or said
        assert key_file.read_text().strip() == key
    assert str(key_file) not in caplog.text
    # A chosen bootstrap key must be long enough to be a secret.
    with session_scope(empty_engine) as session, pytest.raises(InvalidInputError, match="at least 32"):
        access.ensure_admin_key(session, value="short", key_file=key_file)
