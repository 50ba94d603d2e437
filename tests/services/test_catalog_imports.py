"""Catalogue imports on SQLite and PostgreSQL: all or nothing, idempotent, isolated per organisation."""

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from credpath.errors import DocumentError, PermissionDeniedError
from credpath.services.access import CLI, Caller
from credpath.services.catalog_imports import import_catalog
from credpath.services.credentials import get_credential
from credpath.storage.repositories.credentials import InferredSkill, replace_inferred_skills
from credpath.storage.tables import Credential, CredentialSkill, Organisation
from credpath.vocabulary import CatalogFormat, Scope
from tests.standards_samples import CTDL, ESCO, OB3, load, seed_skills

MINING = ESCO + "4216e465-7baa-4884-a241-54b197bb9278"


def _org(engine: Engine, name: str) -> Caller:
    with Session(engine) as session:
        session.add(Organisation(id=name, name=name, kind="issuer"))
        session.commit()
    return Caller(actor=f"key-{name}", org_id=name, scopes=frozenset({Scope.CATALOG_WRITE}))


def _import(engine: Engine, caller: Caller, fmt: CatalogFormat, sample: str) -> dict[str, int]:
    with Session(engine) as session:
        report = import_catalog(session, caller, fmt, load((OB3 if fmt == CatalogFormat.OB3 else CTDL) / sample))
        session.commit()
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(list(session.scalars(select(col(Credential.id)))))


def test_both_formats_import_and_declared_esco_alignments_survive(empty_engine: Engine) -> None:
    seed_skills(empty_engine)
    issuer = _org(empty_engine, "northwind")
    assert _import(empty_engine, issuer, CatalogFormat.OB3, "achievements.json") == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert _import(empty_engine, issuer, CatalogFormat.CTDL, "catalogue.json")["created"] == 2
    with Session(empty_engine) as session:
        mining = session.scalars(select(Credential).where(col(Credential.title).contains("Data Mining"))).one()
        assert (mining.org_id, mining.cost, mining.currency, mining.duration_hours) == ("northwind", 120.0, "EUR", 20.0)
        detail = get_credential(session, mining.id)
        declared = [(s.skill_id, s.source, s.confidence, s.evidence) for s in detail.skills]
        assert (MINING, "declared", 1.0, "declared_by_issuer") in declared
        assert detail.declared_alignments[0].target_url == MINING
        stats = session.scalars(select(Credential).where(col(Credential.title) == "Statistics for Data Analysts")).one()
        assert stats.skill_tags == ["Interpret descriptive statistics"]
        # Free text is linked by the next alignment pass: the credential is marked as not yet aligned.
        assert stats.aligned_hash is None
        assert [a.target_code for a in get_credential(session, stats.id).declared_alignments][-1] == "15-2041.00"


def test_reimport_changes_nothing_and_a_change_updates_in_place(empty_engine: Engine) -> None:
    seed_skills(empty_engine)
    issuer = _org(empty_engine, "northwind")
    _import(empty_engine, issuer, CatalogFormat.OB3, "achievements.json")
    with Session(empty_engine) as session:
        before = {c.id: c.updated_at for c in session.scalars(select(Credential))}
    assert _import(empty_engine, issuer, CatalogFormat.OB3, "achievements.json") == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }
    with Session(empty_engine) as session:
        assert {c.id: c.updated_at for c in session.scalars(select(Credential))} == before
        assert len(list(session.scalars(select(CredentialSkill)))) == 6


def test_one_issuer_never_overwrites_another(empty_engine: Engine) -> None:
    seed_skills(empty_engine)
    first, second = _org(empty_engine, "northwind"), _org(empty_engine, "impostor")
    _import(empty_engine, first, CatalogFormat.OB3, "achievements.json")
    document = load(OB3 / "achievements.json")
    document[0]["name"] = "Hijacked"
    document[0]["offers"]["price"] = 1
    with Session(empty_engine) as session:
        report = import_catalog(session, second, CatalogFormat.OB3, document)
        session.commit()
    assert report.created == 3
    with Session(empty_engine) as session:
        owned = {
            (c.org_id, c.title, c.cost)
            for c in session.scalars(select(Credential).where(col(Credential.source_key) == document[0]["id"]))
        }
    assert owned == {("northwind", "Data Analyst Foundations: Data Mining", 120.0), ("impostor", "Hijacked", 1.0)}


@pytest.mark.parametrize(
    ("fmt", "sample", "path"),
    [
        (CatalogFormat.OB3, "broken_alignment_url.json", "$[2].alignment[2].targetUrl"),
        (CatalogFormat.OB3, "broken_unknown_esco.json", "$.alignment[0].targetUrl"),
        (CatalogFormat.CTDL, "broken_cost.json", "$['@graph'][2]['ceterms:estimatedCost'][0]['ceterms:price']"),
    ],
)
def test_a_bad_document_writes_nothing(empty_engine: Engine, fmt: CatalogFormat, sample: str, path: str) -> None:
    seed_skills(empty_engine)
    issuer = _org(empty_engine, "northwind")
    with pytest.raises(DocumentError) as raised:
        _import(empty_engine, issuer, fmt, sample)
    assert raised.value.path == path
    assert _count(empty_engine) == 0


def test_imports_need_the_catalog_scope(empty_engine: Engine) -> None:
    reader = Caller(actor="k", org_id="x", scopes=frozenset({Scope.LEARNERS_READ}))
    with pytest.raises(PermissionDeniedError):
        _import(empty_engine, reader, CatalogFormat.OB3, "achievements.json")


def test_the_command_line_imports_as_the_operator(empty_engine: Engine) -> None:
    seed_skills(empty_engine)
    assert _import(empty_engine, CLI, CatalogFormat.CTDL, "catalogue.json")["created"] == 2
    with Session(empty_engine) as session:
        owners = {c.org_id for c in session.scalars(select(Credential))}
        operator = session.scalars(select(Organisation).where(col(Organisation.name) == "operator")).one()
    assert owners == {operator.id}


def test_the_alignment_pass_never_replaces_a_declared_skill(empty_engine: Engine) -> None:
    seed_skills(empty_engine)
    _import(empty_engine, _org(empty_engine, "northwind"), CatalogFormat.OB3, "achievements.json")
    other = ESCO + "cc7370dd-69fa-4c67-a96f-d4d135d38700"
    with Session(empty_engine) as session:
        mining = session.scalars(select(Credential).where(col(Credential.title).contains("Data Mining"))).one()
        found = [InferredSkill(MINING, 0.7, "title"), InferredSkill(other, 0.6, "description")]
        assert replace_inferred_skills(session, {mining.id: found}, {mining.id: mining.content_hash}) == 1
        session.commit()
        links = {
            link.skill_id: (link.source, link.confidence)
            for link in session.scalars(select(CredentialSkill).where(col(CredentialSkill.credential_id) == mining.id))
        }
    assert links[MINING] == ("declared", 1.0)
    assert links[other] == ("inferred", 0.6)
