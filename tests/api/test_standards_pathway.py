"""Prices from imported OB 3.0 / CTDL credentials make ``max_cost`` work end to end.

The CSV catalogues publish no prices, so under a cost budget every gap stays uncovered; once issuers
import priced credentials, the planner builds a pathway within the budget. Runs on a copy of the loaded
database (the import must not leak into the other API tests), with the session's built models.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from credpath.api import create_app
from credpath.config import Settings
from tests.conftest import ADMIN_KEY
from tests.standards_samples import CTDL, OB3, load

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
    imported_alignments: list[list[str]] = []
    for fmt, document in (("ob3", load(OB3 / "achievements.json")), ("ctdl", load(CTDL / "catalogue.json"))):
        response = priced.post("/v1/catalog/imports", params={"format": fmt}, json=document)
        assert response.status_code == 200, response.text
        imported |= {c["id"]: c["cost"] for c in response.json()["credentials"]}
        imported_alignments += [c["declared_skills"] for c in response.json()["credentials"]]

    after = _plan(priced, analyst["id"])
    steps = after["steps"]
    assert steps, after
    assert {s["credential_id"] for s in steps} <= set(imported)
    assert after["total_cost"] == pytest.approx(sum(imported[s["credential_id"]] for s in steps))
    assert after["total_cost"] <= BUDGET
    # The 450 EUR course does not fit the budget, whatever it teaches.
    assert all(imported[s["credential_id"]] <= BUDGET for s in steps)
    # The steps close ESCO skills the issuers declared (besides any the scorer linked from their free text).
    covered = {c["skill_id"] for s in steps for c in s["covers"]}
    declared = {a for c in imported_alignments for a in c}
    assert covered & declared
    assert after["readiness_after"] > after["readiness_before"]
    assert len(after["uncovered"]) < len(before["uncovered"])


def _in_dollars(document: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The OB 3.0 sample achievements as another issuer's copies, priced in US dollars."""
    for achievement in document:
        achievement["id"] = achievement["id"].replace("northwind.example", "fabrikam.example")
        achievement["name"] = f"{achievement['name']} (Fabrikam)"
        achievement["offers"]["priceCurrency"] = "USD"
    return document


def _recommend(client: TestClient, analyst: str, constraints: dict[str, Any]) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(
        "/v1/recommendations",
        json={"learner": {}, "target": {"occupation_id": analyst}, "constraints": constraints},
    )
    assert response.status_code == 200, response.text
    pathway: dict[str, Any] = response.json()["pathway"]
    return pathway


def test_a_mixed_currency_catalogue_is_never_summed_as_one(priced: TestClient) -> None:  # type: ignore[type-arg]
    analyst = priced.get("/v1/occupations", params={"q": "data analyst", "taxonomy": "esco"}).json()["items"][0]["id"]
    currency: dict[str, str] = {}
    for fmt, document in (
        ("ob3", load(OB3 / "achievements.json")),
        ("ctdl", load(CTDL / "catalogue.json")),
        ("ob3", _in_dollars(load(OB3 / "achievements.json"))),
    ):
        response = priced.post("/v1/catalog/imports", params={"format": fmt}, json=document)
        assert response.status_code == 200, response.text
        currency |= {c["id"]: c["currency"] for c in response.json()["credentials"] if c["cost"] is not None}
    assert set(currency.values()) == {"EUR", "USD"}

    # The deployment's currency (EUR) by default: dollar prices are of unknown cost for a euro budget.
    euros = _recommend(priced, analyst, {"max_cost": BUDGET})
    assert euros["steps"], euros
    assert {currency[s["credential_id"]] for s in euros["steps"]} == {"EUR"}
    assert all(s["currency"] == "EUR" for s in euros["steps"])
    assert (euros["budget_currency"], euros["currency"]) == ("EUR", "EUR")
    assert euros["priced_in_other_currencies"] >= 1
    assert euros["total_cost"] <= BUDGET
    dollars = _recommend(priced, analyst, {"max_cost": BUDGET, "currency": "USD"})
    assert dollars["steps"], dollars
    assert {currency[s["credential_id"]] for s in dollars["steps"]} == {"USD"}
    assert (dollars["budget_currency"], dollars["currency"]) == ("USD", "USD")
    assert dollars["priced_in_other_currencies"] >= 1

    # Without a cost budget both currencies may be chosen; a pathway mixing them has no single total.
    free = _recommend(priced, analyst, {"max_credentials": 10})
    chosen = {currency[s["credential_id"]] for s in free["steps"] if s["credential_id"] in currency}
    if len(chosen) > 1:
        assert (free["total_cost"], free["currency"]) == (None, None)
        assert set(free["cost_by_currency"]) == chosen
    assert free["budget_currency"] is None
    assert (
        priced.post(
            "/v1/recommendations",
            json={
                "learner": {},
                "target": {"occupation_id": analyst},
                "constraints": {"max_cost": 10, "currency": "eur"},
            },
        ).status_code
        == 400
    )
