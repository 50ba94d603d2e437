"""Free-text competencies of an OB 3.0 / CTDL import linked at import time by the build's alignment scorer.

Through the HTTP API on SQLite and PostgreSQL (a private copy of the loaded, aligned bundle per backend, with
the session's built models) and through the command line. Each test imports as its own issuer.
"""

import json
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.alignments import CredentialAligner
from credpath.api import create_app
from credpath.cli import main
from credpath.config import Settings
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories.credentials import AlignmentInput, InferredSkill
from tests.conftest import ADMIN_KEY, BACKENDS, private_bundle_copy
from tests.standards_samples import CTDL, OB3, load

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
SPREADSHEETS_LABEL = "use spreadsheets software"


@pytest.fixture(scope="module", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, loaded_sqlite_url: str, models_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A private copy of the loaded, aligned bundle per backend (``models_dir`` first: its build aligns it)."""
    engine = private_bundle_copy(
        request.param, loaded_sqlite_url, tmp_path_factory.mktemp(f"linking-{request.param}"), request
    )
    yield engine
    engine.dispose()


def _settings(engine: Engine, models_dir: Path, tmp_path: Path) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        models_dir=models_dir,
        bootstrap_admin_key=ADMIN_KEY,
        admin_key_file=tmp_path / "admin.key",
        rate_limit_per_minute=100_000,
    )


@pytest.fixture
def api(engine: Engine, models_dir: Path, tmp_path: Path) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(create_app(_settings(engine, models_dir, tmp_path))) as client:
        yield client


def _issuer(api: TestClient) -> dict[str, str]:  # type: ignore[type-arg]
    org = api.post("/v1/orgs", json={"name": f"issuer {uuid.uuid4().hex[:8]}", "kind": "issuer"}, headers=ADMIN)
    assert org.status_code == 201, org.text
    key = api.post(f"/v1/orgs/{org.json()['id']}/keys", json={"scopes": ["catalog:write"]}, headers=ADMIN)
    assert key.status_code == 201, key.text
    return {"Authorization": f"Bearer {key.json()['key']}"}


def _spreadsheet_badge(description: str = "Analyse data with formulas, pivot tables and charts.") -> dict[str, Any]:
    """A CTDL badge whose only competency is free text (no ESCO URI): the scorer must link it."""
    return {
        "@context": "https://credreg.net/ctdl/schema/context/json",
        "@id": "https://credentials.example/badges/spreadsheets",
        "@type": "ceterms:Badge",
        "ceterms:ctid": "ce-5a1d6c2e-0b9f-4c1e-9a7d-3f2e1d0c9b8a",
        "ceterms:name": {"en-US": "Use Spreadsheets Software"},
        "ceterms:description": {"en-US": description},
        "ceterms:teaches": [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceasn:competencyText": {"en-US": "Use spreadsheets software to analyse data"},
            }
        ],
    }


def _threshold(models_dir: Path) -> float:
    saved = json.loads((models_dir / "alignment" / "model.json").read_text(encoding="utf-8"))
    return float(saved["model"]["threshold"])


def _check_sources(credential: dict[str, Any], threshold: float) -> None:
    declared = {a["target_url"] for a in credential["alignments"] if a["target_type"] == "esco_skill"}
    for skill in credential["skills"]:
        if skill["skill_id"] in declared:
            assert (skill["source"], skill["confidence"], skill["evidence"]) == ("declared", 1.0, "declared_by_issuer")
        else:
            # The engine's own link: calibrated confidence at or above its serving threshold (or a title that is
            # the skill's name, "Use Spreadsheets Software"), its evidence in words.
            assert skill["source"] == "inferred", skill
            named = skill["evidence"].startswith("title is the skill's name")
            assert named or threshold - 1e-3 <= skill["confidence"], skill
            assert skill["confidence"] < 1.0, skill
            assert skill["evidence"], skill
            assert skill["evidence"] != "declared_by_issuer", skill
    assert declared <= {s["skill_id"] for s in credential["skills"]}


def test_free_text_is_linked_at_import_with_the_scorers_calibrated_confidence(
    api: TestClient,  # type: ignore[type-arg]
    models_dir: Path,
) -> None:
    issuer = _issuer(api)
    threshold = _threshold(models_dir)
    responses = [
        api.post("/v1/catalog/imports", params={"format": fmt}, json=document, headers=issuer)
        for fmt, document in (
            ("ob3", load(OB3 / "achievements.json")),
            ("ctdl", load(CTDL / "catalogue.json")),
            ("ctdl", _spreadsheet_badge()),
        )
    ]
    for response in responses:
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["linking"], body["linking_detail"]) == ("linked", None)
        for credential in body["credentials"]:
            assert credential["linking"] == "linked"
            _check_sources(credential, threshold)
            # What the response shows is what is stored and served.
            stored = api.get(f"/v1/credentials/{credential['id']}").json()["skills"]
            assert {(s["skill_id"], s["source"], s["confidence"]) for s in stored} == {
                (s["skill_id"], s["source"], s["confidence"]) for s in credential["skills"]
            }
    badge = responses[2].json()["credentials"][0]
    assert badge["competencies"] == ["Use spreadsheets software to analyse data"]
    linked = {s["label"]: s for s in badge["skills"]}
    assert SPREADSHEETS_LABEL in linked, badge["skills"]
    assert linked[SPREADSHEETS_LABEL]["source"] == "inferred"


def test_a_reimport_reads_nothing_again_and_a_changed_credential_is_relinked(
    api: TestClient,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issuer = _issuer(api)
    read: list[int] = []
    original = CredentialAligner.align

    def counting(self: CredentialAligner, rows: Sequence[AlignmentInput]) -> dict[str, list[InferredSkill]]:
        read.append(len(rows))
        return dict(original(self, rows))

    monkeypatch.setattr(CredentialAligner, "align", counting)
    first = api.post("/v1/catalog/imports", params={"format": "ctdl"}, json=_spreadsheet_badge(), headers=issuer)
    assert first.status_code == 200, first.text
    again = api.post("/v1/catalog/imports", params={"format": "ctdl"}, json=_spreadsheet_badge(), headers=issuer)
    assert (again.json()["unchanged"], again.json()["linking"]) == (1, "linked")
    assert again.json()["credentials"][0]["skills"] == first.json()["credentials"][0]["skills"]
    edited = _spreadsheet_badge("Build budgets and forecasts in spreadsheets.")
    changed = api.post("/v1/catalog/imports", params={"format": "ctdl"}, json=edited, headers=issuer)
    assert (changed.json()["updated"], changed.json()["linking"]) == (1, "linked")
    # The scorer read the new credential, then the edited one: the unchanged re-import loaded and encoded nothing.
    assert read == [1, 1]


def test_without_models_the_import_is_pending_and_the_next_build_links_it(
    engine: Engine,
    tmp_path: Path,
) -> None:
    settings = _settings(engine, tmp_path / "no-models", tmp_path)
    with TestClient(create_app(settings)) as api:
        response = api.post(
            "/v1/catalog/imports", params={"format": "ctdl"}, json=_spreadsheet_badge(), headers=_issuer(api)
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["linking"] == "pending"
    assert "credpath build-index" in body["linking_detail"]
    assert body["credentials"][0]["skills"] == []
    with Session(engine) as session:
        waiting = {row.id for row in credential_repo.credentials_to_align(session, everything=False)}
    # The build's alignment pass picks it up (content it has not read yet), as for every catalogue credential.
    assert body["credentials"][0]["id"] in waiting


def test_the_command_line_links_at_import(engine: Engine, models_dir: Path, tmp_path: Path) -> None:
    document = tmp_path / "spreadsheets.json"
    document.write_text(json.dumps(_spreadsheet_badge()), encoding="utf-8")
    env = {
        "CREDPATH_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CREDPATH_MODELS_DIR": str(models_dir),
    }
    org = f"Spreadsheet Academy {uuid.uuid4().hex[:6]}"
    result = CliRunner().invoke(main, ["ingest", "catalog", str(document), "--format", "ctdl", "--org", org], env=env)
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output
    assert "free text linked" in result.output
    assert "\tinferred\t" in result.stdout
    assert SPREADSHEETS_LABEL in result.stdout
