"""Stored learner profiles as use cases: evidence, held credentials, atomic failures, lifecycle."""

from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import Session

from credpath.errors import NotFoundError
from credpath.services import learners
from credpath.services.access import Caller
from credpath.services.semantic import SemanticService
from credpath.services.views import LearnerView
from credpath.storage.repositories import credentials as credential_repo
from credpath.vocabulary import Evidence
from credpath.vocabulary import Scope as _Scope

# A portal key with the learner scopes: the use cases see only its own learners.
PORTAL = Caller(actor="testkey1", org_id="o-test", scopes=frozenset({_Scope.LEARNERS_READ, _Scope.LEARNERS_WRITE}))


def _create(session: Session, semantic: SemanticService, caller: Caller, **fields: Any) -> LearnerView:
    """A new learner's profile as the API returns it: recorded, then read."""
    return learners.get_learner(session, caller, learners.record_learner(session, semantic, caller, **fields))


def _add(session: Session, semantic: SemanticService, caller: Caller, learner_id: str, **fields: Any) -> LearnerView:
    """The profile after adding skills: recorded, then read."""
    return learners.get_learner(
        session, caller, learners.record_skills(session, semantic, caller, learner_id, **fields)
    )


def _evidence(view: LearnerView) -> dict[str, Evidence]:
    return {skill.skill_id: skill.evidence for skill in view.skills}


def test_a_skill_given_twice_is_stored_once_with_its_strongest_evidence(
    session: Session, semantic: SemanticService
) -> None:
    # A skill declared and also found in the text: one row, declared (the text's inference is weaker).
    text = "Good knowledge of statistics and Excel."
    inferred = [m.skill_id for m in semantic.extract_skills(text).mentions]
    assert inferred
    created = _create(session, semantic, PORTAL, name="Ada", discoverable=False, skills=inferred[:1], text=text)
    stored = [s.skill_id for s in created.skills]
    assert sorted(stored) == sorted(set(inferred))
    assert _evidence(created)[inferred[0]] == Evidence.DECLARED
    assert all(_evidence(created)[skill] == Evidence.INFERRED for skill in set(inferred) - {inferred[0]})


def test_evidence_is_never_downgraded_and_credentials_vouch_for_their_skills(
    session: Session, semantic: SemanticService
) -> None:
    offer = next(o for o in credential_repo.credential_offers(session) if len(o.teaches) >= 2)
    declared = next(iter(offer.teaches))
    # Declared and held in one request: the credential's verified evidence wins for the declared skill too.
    held = _create(session, semantic, PORTAL, name=None, discoverable=True, skills=[declared], credentials=[offer.id])
    assert held.credentials == [offer.id]
    by_id = {s.skill_id: s for s in held.skills}
    assert set(by_id) == set(offer.teaches)
    for skill, confidence in offer.teaches.items():
        assert by_id[skill].evidence == Evidence.VERIFIED
        assert by_id[skill].proficiency == pytest.approx(confidence)
        # The credential that vouches for a skill is recorded, except for a skill declared in the same request.
        assert by_id[skill].source_credential_id == (None if skill == declared else offer.id)
    # Declaring a verified skill again does not weaken it.
    again = _add(session, semantic, PORTAL, held.id, skills=[declared], proficiency={declared: 0.1})
    assert {s.skill_id: (s.evidence, s.proficiency) for s in again.skills}[declared] == (
        Evidence.VERIFIED,
        pytest.approx(offer.teaches[declared]),
    )


def test_a_bad_id_changes_nothing(session: Session, semantic: SemanticService, ids: dict[str, str]) -> None:
    learner = _create(session, semantic, PORTAL, name="Bo", discoverable=False, skills=[ids["sql"]])
    with pytest.raises(NotFoundError):
        _add(session, semantic, PORTAL, learner.id, skills=[ids["statistics"], "http://data.europa.eu/esco/skill/nope"])
    with pytest.raises(NotFoundError):
        _add(session, semantic, PORTAL, learner.id, credentials=["no:such"])
    assert learners.get_learner(session, PORTAL, learner.id) == learner


def test_lifecycle(session: Session, semantic: SemanticService, ids: dict[str, str]) -> None:
    learner = _create(
        session,
        semantic,
        PORTAL,
        name="Cy",
        discoverable=False,
        skills=[ids["sql"], ids["spreadsheets"]],
        proficiency={ids["spreadsheets"]: 0.5},
    )
    assert {s.skill_id: s.proficiency for s in learner.skills}[ids["spreadsheets"]] == 0.5
    updated = learners.update_learner(session, PORTAL, learner.id, discoverable=True)
    assert (updated.name, updated.discoverable) == ("Cy", True)
    # A skill is removed by its URI or by the UUID at its end.
    removed = learners.remove_skill(session, PORTAL, learner.id, ids["sql"].rsplit("/", 1)[-1])
    assert ids["sql"] not in _evidence(removed)
    with pytest.raises(NotFoundError):
        learners.remove_skill(session, PORTAL, learner.id, ids["sql"])
    learners.delete_learner(session, PORTAL, learner.id)
    with pytest.raises(NotFoundError):
        learners.get_learner(session, PORTAL, learner.id)
    with pytest.raises(NotFoundError):
        learners.update_learner(session, PORTAL, "unknown", name="x")


def test_without_an_occupations_index_the_learner_is_read_as_before() -> None:
    semantic = SimpleNamespace(indexes={"skills": object()})
    assert learners.credit_current_role(None, semantic, "Data analyst at an insurer.", []) == ([], None)  # type: ignore[arg-type]


def test_a_skill_the_learner_wants_or_denies_is_not_stored_as_one_they_hold(
    session: Session, semantic: SemanticService
) -> None:
    said = "I make maps with geographic information systems at the council."
    wished = "Warehouse operative for four years. I want to move into geographic information systems."
    now = _evidence(_create(session, semantic, PORTAL, name="Now", text=said))
    gis = [skill for skill in now if "geographic information" in semantic.labels.skills.get(skill, "")]
    assert gis, now  # the present tense is read as held
    later = _evidence(_create(session, semantic, PORTAL, name="Later", text=wished))
    assert not set(gis) & set(later), later
    denied = "Warehouse operative for four years. Never used geographic information systems."
    never = _evidence(_create(session, semantic, PORTAL, name="Never", text=denied))
    assert not set(gis) & set(never), never


def test_the_subject_of_a_stated_qualification_is_held_and_one_wished_for_is_not(
    session: Session, semantic: SemanticService
) -> None:
    # The skill linker reads nothing in "accounting & finance degree": an accounting graduate was told that
    # accounting is a gap (skills.qualifications).
    graduate = "Customer service advisor in a bank branch for 3 years, accounting & finance degree (2:2)."
    held = _evidence(_create(session, semantic, PORTAL, name="Graduate", text=graduate))
    accounting = [s for s in held if semantic.labels.skills.get(s) == "accounting"]
    assert accounting, held
    assert held[accounting[0]] == Evidence.INFERRED
    hoping = "Customer service advisor in a bank branch for 3 years. I want to do an accounting degree."
    later = _evidence(_create(session, semantic, PORTAL, name="Hoping", text=hoping))
    assert not set(accounting) & set(later), later
