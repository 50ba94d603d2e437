"""Prices from imported OB 3.0 / CTDL credentials make ``max_cost`` work end to end.

The CSV catalogues publish no prices, so under a cost budget every gap stays uncovered; once issuers
import priced credentials, the planner builds a pathway within the budget. Runs on a copy of the loaded
database (the import must not leak into the other API tests), with the session's built models.
"""

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from credpath.api import create_app
from credpath.config import Settings
from credpath.indexes import index_dir
from credpath.ml.index import VectorIndex
from credpath.pipeline.alignment import align_credentials
from credpath.pipeline.build import batch_encoder
from credpath.storage.db import create_db_engine
from credpath.storage.tables import Credential, CredentialSkill
from tests.conftest import ADMIN_KEY
from tests.standards_samples import CTDL, ESCO, OB3, load

BUDGET = 300.0


@pytest.fixture(scope="module")
def priced_url(api_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the loaded database, with the session's alignments."""
    directory = tmp_path_factory.mktemp("standards-pathway")
    source = sqlite3.connect(api_settings.database_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(directory / "credpath.db")
    source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{directory / 'credpath.db'}"


@pytest.fixture(scope="module")
def priced(api_settings: Settings, priced_url: str) -> Iterator[TestClient]:  # type: ignore[type-arg]
    directory = Path(priced_url.removeprefix("sqlite:///")).parent
    settings = api_settings.model_copy(update={"database_url": priced_url, "admin_key_file": directory / "admin.key"})
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield client


def _plan(client: TestClient, analyst: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(
        "/v1/recommendations",
        json={"learner": {}, "target": {"occupation_id": analyst}, "constraints": {"max_cost": BUDGET}},
    )
    assert response.status_code == 200, response.text
    pathway: dict[str, Any] = response.json()["pathway"]
    return pathway


def test_a_pathway_under_a_cost_budget_from_imported_prices(priced: TestClient) -> None:  # type: ignore[type-arg]
    analyst = priced.get("/v1/occupations", params={"q": "data analyst", "taxonomy": "esco"}).json()["items"][0]
    assert analyst["label"] == "data analyst"
    before = _plan(priced, analyst["id"])
    # Today: no credential has a price, so nothing fits a cost budget and every gap stays uncovered.
    assert before["steps"] == []
    assert before["uncovered"]
    assert before["readiness_after"] == before["readiness_before"]

    imported: dict[str, float] = {}
    for fmt, document in (("ob3", load(OB3 / "achievements.json")), ("ctdl", load(CTDL / "catalogue.json"))):
        response = priced.post("/v1/catalog/imports", params={"format": fmt}, json=document)
        assert response.status_code == 200, response.text
        imported |= {c["id"]: c["cost"] for c in response.json()["credentials"]}

    after = _plan(priced, analyst["id"])
    steps = after["steps"]
    assert steps, after
    assert {s["credential_id"] for s in steps} <= set(imported)
    assert after["total_cost"] == pytest.approx(sum(imported[s["credential_id"]] for s in steps))
    assert after["total_cost"] <= BUDGET
    # The 450 EUR course does not fit the budget, whatever it teaches.
    assert all(imported[s["credential_id"]] <= BUDGET for s in steps)
    covered = {c["skill_id"] for s in steps for c in s["covers"]}
    assert ESCO + "4216e465-7baa-4884-a241-54b197bb9278" in covered  # perform data mining, declared by the issuer
    assert after["readiness_after"] > after["readiness_before"]
    assert len(after["uncovered"]) < len(before["uncovered"])


def test_the_alignment_pass_links_imported_free_text_and_keeps_declared_skills(
    priced: TestClient,  # type: ignore[type-arg]
    priced_url: str,
    models_dir: Path,
    tmp_path: Path,
) -> None:
    for fmt, document in (("ob3", load(OB3 / "achievements.json")), ("ctdl", load(CTDL / "catalogue.json"))):
        assert priced.post("/v1/catalog/imports", params={"format": fmt}, json=document).status_code == 200
    # The build's alignment pass, with the session's fitted scorer (copied: the shared models stay untouched).
    (tmp_path / "alignment").mkdir()
    shutil.copy(models_dir / "alignment" / "model.json", tmp_path / "alignment" / "model.json")
    engine = create_db_engine(priced_url)
    skills = VectorIndex.load(index_dir(models_dir, "skills"), mmap=False)
    report = align_credentials(engine, skills, batch_encoder(models_dir), tmp_path)
    # Only the imported credentials were new: the pass aligns exactly those, not the whole catalogue again.
    assert report.credentials == 5
    with Session(engine) as session:
        imported = list(session.scalars(select(Credential).where(col(Credential.org_id).is_not(None))))
        assert len(imported) == 5
        assert all(c.aligned_hash == c.content_hash for c in imported)
        links = list(
            session.scalars(
                select(CredentialSkill).where(col(CredentialSkill.credential_id).in_([c.id for c in imported]))
            )
        )
    engine.dispose()
    declared = [link for link in links if link.source == "declared"]
    assert len(declared) == 9
    assert {(link.confidence, link.evidence) for link in declared} == {(1.0, "declared_by_issuer")}
    # Whatever the scorer inferred comes with its calibrated confidence, never as a declared alignment.
    assert all(
        0 < link.confidence < 1 and link.evidence != "declared_by_issuer" for link in links if link.source == "inferred"
    )
