"""The learner wallet on SQLite and PostgreSQL: verified, claimed, tampered, and deleting a badge."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from credpath.errors import NotFoundError, ProofError
from credpath.services.access import Caller
from credpath.services.catalog_imports import import_catalog
from credpath.services.wallet import add_badges, delete_badge, list_badges
from credpath.storage.tables import Learner, LearnerBadge, LearnerSkill, Organisation
from credpath.vocabulary import CatalogFormat, Scope
from tests.standards_samples import ESCO, OB3, load, seed_skills

NOW = datetime(2026, 11, 29, tzinfo=UTC)
MINING = {ESCO + "4216e465-7baa-4884-a241-54b197bb9278", ESCO + "25f0ea33-b4a2-4f31-b7b4-7d20e827b180"}
CLEANSING = {ESCO + "50b100ea-74fd-4706-99db-3e4ca55e51b8", ESCO + "cc7370dd-69fa-4c67-a96f-d4d135d38700"}


@pytest.fixture
def portal(empty_engine: Engine) -> Caller:
    seed_skills(empty_engine)
    with Session(empty_engine) as session:
        session.add(Organisation(id="portal", name="portal", kind="portal"))
        session.add(Learner(id="ada", org_id="portal", name="Ada"))
        session.add(Learner(id="bob", org_id="portal", name="Bob"))
        session.commit()
    return Caller(actor="k", org_id="portal", scopes=frozenset({Scope.LEARNERS_READ, Scope.LEARNERS_WRITE}))


def _skills(engine: Engine, learner: str) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.scalars(select(LearnerSkill).where(col(LearnerSkill.learner_id) == learner))
        return {row.skill_id: row.evidence for row in rows}


def _add(engine: Engine, caller: Caller, learner: str, submission: object) -> list[tuple[str, list[str]]]:
    with Session(engine) as session:
        batch = add_badges(session, caller, learner, submission, now=NOW)
        session.commit()
    return [(b.status.value, sorted(b.skills)) for b in batch.items]


def test_verified_and_claimed_badges_set_skill_evidence(empty_engine: Engine, portal: Caller) -> None:
    submission = [load(OB3 / "credential_eddsa.json"), load(OB3 / "credential_did_web.json")]
    assert _add(empty_engine, portal, "ada", submission) == [
        ("verified", sorted(MINING)),
        ("claimed", sorted(CLEANSING)),
    ]
    skills = _skills(empty_engine, "ada")
    assert {skills[s] for s in MINING} == {"verified"}
    assert {skills[s] for s in CLEANSING} == {"declared"}
    # The same badge again changes nothing.
    assert _add(empty_engine, portal, "ada", load(OB3 / "credential_eddsa.json")) == [("verified", sorted(MINING))]
    with Session(empty_engine) as session:
        assert len(list_badges(session, portal, "ada").items) == 2


def test_a_tampered_badge_stores_nothing_of_its_submission(empty_engine: Engine, portal: Caller) -> None:
    submission = [load(OB3 / "credential_eddsa.json"), load(OB3 / "credential_eddsa_tampered.json")]
    with pytest.raises(ProofError) as raised:
        _add(empty_engine, portal, "ada", submission)
    assert raised.value.path == "$[1].proof[0].proofValue"
    with Session(empty_engine) as session:
        assert list(session.scalars(select(LearnerBadge))) == []
    assert _skills(empty_engine, "ada") == {}


def test_jwt_badges_and_the_catalogue_achievement_they_name(empty_engine: Engine, portal: Caller) -> None:
    # The catalogue import declares the querying achievement's ESCO skills; the ES256 JWT badge names it too.
    issuer = Caller(actor="i", org_id="portal", scopes=frozenset({Scope.CATALOG_WRITE}))
    with Session(empty_engine) as session:
        import_catalog(session, issuer, CatalogFormat.OB3, load(OB3 / "achievements.json"))
        session.commit()
    result = _add(empty_engine, portal, "bob", [load(OB3 / "credential_es256.jwt"), load(OB3 / "credential_eddsa.jwt")])
    assert [status for status, _skills in result] == ["verified", "verified"]
    assert set(result[0][1]) == {
        ESCO + "4463a721-69f3-413d-8321-43e3af13a4f1",
        ESCO + "9cf681c7-89ec-470c-b651-7fe03786f586",
    }
    with Session(empty_engine) as session:
        assert list_badges(session, portal, "bob").items[0].credential_id is not None


def test_deleting_a_badge_removes_only_the_skills_it_alone_supported(empty_engine: Engine, portal: Caller) -> None:
    with Session(empty_engine) as session:
        session.add(LearnerSkill(learner_id="ada", skill_id=sorted(CLEANSING)[0], evidence="declared"))
        session.commit()
    _add(empty_engine, portal, "ada", [load(OB3 / "credential_did_web.json")])
    _add(empty_engine, portal, "ada", [load(OB3 / "credential_eddsa.json")])
    with Session(empty_engine) as session:
        badges = list_badges(session, portal, "ada").items
    claimed = next(b for b in badges if b.status == "claimed")
    with Session(empty_engine) as session:
        delete_badge(session, portal, "ada", claimed.id)
        session.commit()
    skills = _skills(empty_engine, "ada")
    # The learner's own declaration stays; the other cleansing skill (this badge's alone) is gone; mining stays.
    assert set(skills) == {sorted(CLEANSING)[0], *MINING}
    with Session(empty_engine) as session, pytest.raises(NotFoundError):
        delete_badge(session, portal, "ada", claimed.id)


def test_another_organisations_learner_is_not_found(empty_engine: Engine, portal: Caller) -> None:
    stranger = Caller(actor="s", org_id="elsewhere", scopes=frozenset({Scope.LEARNERS_WRITE, Scope.LEARNERS_READ}))
    with Session(empty_engine) as session, pytest.raises(NotFoundError):
        add_badges(session, stranger, "ada", load(OB3 / "credential_eddsa.json"), now=NOW)
