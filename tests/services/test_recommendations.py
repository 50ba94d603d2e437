"""Gap analysis and recommendations as use cases: learner given inline or stored, targets, constraints."""

from types import SimpleNamespace

import pytest
from sqlmodel import Session

from credpath.errors import InvalidInputError, NotFoundError
from credpath.planning.gaps import requirement_weight
from credpath.planning.offers import CredentialOffer, OfferCatalogue, PlannedStep
from credpath.planning.targets import TITLE_CONTEXT_MARGIN
from credpath.services import learners, recommendations, taxonomy
from credpath.services.access import Caller
from credpath.services.learners import LearnerSpec
from credpath.services.recommendations import ConstraintSpec, TargetSpec
from credpath.services.semantic import SemanticService
from credpath.services.views import OccupationMatch
from credpath.storage.tables import Credential
from credpath.vocabulary import GapStatus, RelationType, TargetKind, Taxonomy
from credpath.vocabulary import Scope as _Scope

# A portal key with the learner scopes: the use cases see only its own learners.
PORTAL = Caller(actor="testkey1", org_id="o-test", scopes=frozenset({_Scope.LEARNERS_READ, _Scope.LEARNERS_WRITE}))


def test_gaps_for_an_inline_learner(session: Session, semantic: SemanticService, ids: dict[str, str]) -> None:
    learner = LearnerSpec(skills=(ids["sql"], ids["statistics"]))
    gaps = recommendations.analyse_gaps(session, semantic, TargetSpec(occupation_id=ids["analyst"]), learner=learner)
    assert (gaps.target.kind, gaps.target.label, gaps.target.taxonomy) == (
        TargetKind.OCCUPATION,
        "data analyst",
        "esco",
    )
    assert gaps.covered + gaps.partial + gaps.missing == len(gaps.items) == gaps.target.requirements
    by_id = {item.skill_id: item for item in gaps.items}
    assert by_id[ids["statistics"]].status == GapStatus.COVERED
    assert by_id[ids["statistics"]].coverage == pytest.approx(0.85)  # declared evidence
    remaining = [item.weight * (1 - item.coverage) for item in gaps.items]
    assert remaining == sorted(remaining, reverse=True)
    assert {item.relation for item in gaps.items} == set(RelationType)
    assert 0 < gaps.readiness < 1


def test_a_stored_learner_is_analysed_like_the_same_learner_inline(
    session: Session, semantic: SemanticService, ids: dict[str, str]
) -> None:
    stored = learners.record_learner(session, semantic, PORTAL, name="Ada", discoverable=False, skills=[ids["sql"]])
    target = TargetSpec(occupation_id=ids["analyst"])
    by_id = recommendations.analyse_gaps(session, semantic, target, learner_id=stored, caller=PORTAL)
    inline = recommendations.analyse_gaps(session, semantic, target, learner=LearnerSpec(skills=(ids["sql"],)))
    assert by_id == inline


@pytest.mark.parametrize(
    ("learner", "learner_id", "error"),
    [
        (LearnerSpec(), "someone", InvalidInputError),
        (None, None, InvalidInputError),
        (None, "nobody-is-stored-under-this-id", NotFoundError),
        (LearnerSpec(skills=("http://data.europa.eu/esco/skill/nope",)), None, NotFoundError),
        (LearnerSpec(credentials=("no:such",)), None, NotFoundError),
    ],
)
def test_the_learner_must_be_exactly_one_known_learner(
    session: Session,
    semantic: SemanticService,
    ids: dict[str, str],
    learner: LearnerSpec | None,
    learner_id: str | None,
    error: type[Exception],
) -> None:
    target = TargetSpec(occupation_id=ids["analyst"])
    with pytest.raises(error):
        recommendations.analyse_gaps(session, semantic, target, learner=learner, learner_id=learner_id, caller=PORTAL)
    with pytest.raises(error):
        recommendations.recommend(
            session, semantic, target, ConstraintSpec(), learner=learner, learner_id=learner_id, caller=PORTAL
        )


def test_the_learner_is_resolved_before_the_constraints(session: Session, semantic: SemanticService) -> None:
    # As when the controller resolved it: an unknown stored learner is a 404 even with unusable constraints.
    with pytest.raises(NotFoundError):
        recommendations.recommend(
            session,
            semantic,
            TargetSpec(occupation_id="15-2041.00"),
            ConstraintSpec(kinds=()),
            learner_id="nobody",
            caller=PORTAL,
        )


@pytest.mark.parametrize(
    ("target", "error"),
    [
        (TargetSpec(), InvalidInputError),
        (TargetSpec(occupation_id="15-2041.00", title="nurse"), InvalidInputError),
        (TargetSpec(title="  "), InvalidInputError),
        (TargetSpec(skills=()), InvalidInputError),
        (TargetSpec(skills=("http://data.europa.eu/esco/skill/nope",)), NotFoundError),
        (TargetSpec(occupation_id="99-9999.99"), NotFoundError),
        (TargetSpec(posting_id="nope"), NotFoundError),
    ],
)
def test_bad_targets(session: Session, semantic: SemanticService, target: TargetSpec, error: type[Exception]) -> None:
    with pytest.raises(error):
        recommendations.analyse_gaps(session, semantic, target, learner=LearnerSpec())


def test_title_skills_and_onet_targets(session: Session, semantic: SemanticService, ids: dict[str, str]) -> None:
    by_title = recommendations.analyse_gaps(
        session, semantic, TargetSpec(title="Data Analyst (m/f/d)"), learner=LearnerSpec()
    )
    assert by_title.target.kind == TargetKind.TITLE
    assert by_title.target.score is not None
    assert by_title.target.score > 0.5
    skills = (ids["sql"], ids["sql"], ids["statistics"])
    by_skills = recommendations.analyse_gaps(session, semantic, TargetSpec(skills=skills), learner=LearnerSpec())
    assert (by_skills.target.kind, by_skills.target.requirements, by_skills.missing) == (TargetKind.SKILLS, 2, 2)
    onet = recommendations.analyse_gaps(
        session, semantic, TargetSpec(occupation_id="15-2051.00"), learner=LearnerSpec()
    )
    assert onet.target.taxonomy == Taxonomy.ONET
    # Borrowed ESCO skills weigh by the share of linked ESCO occupations listing them.
    profile = taxonomy.esco_profile(session, "15-2051.00")
    assert profile is not None
    borrowed = {s.skill_id: requirement_weight(s.relation_type, s.share) for s in profile.essential_skills}
    borrowed |= {s.skill_id: requirement_weight(s.relation_type, s.share) for s in profile.optional_skills}
    assert {item.skill_id: item.weight for item in onet.items} == borrowed


def test_recommendation_respects_constraints(session: Session, semantic: SemanticService, ids: dict[str, str]) -> None:
    learner = LearnerSpec(skills=(ids["sql"], ids["statistics"]))
    target = TargetSpec(occupation_id=ids["analyst"])
    found = recommendations.recommend(
        session, semantic, target, ConstraintSpec(max_credentials=2, max_hours=300), learner=learner
    )
    steps = found.pathway.steps
    assert 1 <= len(steps) <= 2
    assert found.next.credential == steps[0]
    assert all(step.hours is not None for step in steps)
    # Each step carries the length as its catalogue published it, and says so beside the estimated hours.
    for step in steps:
        stored = session.get(Credential, step.credential_id)
        assert stored is not None
        assert step.duration_text == stored.duration_text
    assert found.pathway.total_hours == round(sum(step.hours or 0.0 for step in steps), 1) <= 300
    assert not {a.credential_id for a in found.next.alternatives} & {s.credential_id for s in steps}
    gains = [a.gain for a in found.next.alternatives]
    assert gains == sorted(gains, reverse=True)
    assert found.pathway.readiness_after > found.pathway.readiness_before
    weights = [u.weight for u in found.pathway.uncovered]
    assert weights == sorted(weights, reverse=True)
    assert "maximum coverage" in found.algorithm
    # Excluding the first step, or holding it, never recommends it again.
    first = steps[0].credential_id
    excluded = recommendations.recommend(
        session, semantic, target, ConstraintSpec(max_credentials=2, max_hours=300, exclude=(first,)), learner=learner
    )
    assert first not in {s.credential_id for s in excluded.pathway.steps}
    holding = LearnerSpec(skills=learner.skills, credentials=(first,))
    held = recommendations.recommend(session, semantic, target, ConstraintSpec(max_credentials=2), learner=holding)
    assert first not in {s.credential_id for s in held.pathway.steps}
    assert held.pathway.readiness_before > found.pathway.readiness_before


@pytest.mark.parametrize(
    "constraints",
    [ConstraintSpec(kinds=()), ConstraintSpec(providers=()), ConstraintSpec(levels=("expert",))],
)
def test_constraints_that_allow_nothing_are_refused(
    session: Session, semantic: SemanticService, ids: dict[str, str], constraints: ConstraintSpec
) -> None:
    with pytest.raises(InvalidInputError):
        recommendations.recommend(
            session, semantic, TargetSpec(occupation_id=ids["analyst"]), constraints, learner=LearnerSpec()
        )


def test_filters_narrow_the_pathway(session: Session, semantic: SemanticService, ids: dict[str, str]) -> None:
    found = recommendations.recommend(
        session,
        semantic,
        TargetSpec(occupation_id=ids["analyst"]),
        ConstraintSpec(kinds=("course",), levels=("beginner",)),
        learner=LearnerSpec(),
    )
    assert found.pathway.steps
    assert all(step.kind == "course" and step.level == "beginner" for step in found.pathway.steps)


def test_a_step_names_the_published_length_beside_the_estimated_hours() -> None:
    def step(hours: float | None, published: str | None) -> str:
        offer = CredentialOffer(
            id="c1",
            title="SQL",
            provider="U",
            kind="course",
            level=None,
            hours=hours,
            cost=None,
            reviews=None,
            canonical_key="k1",
            url=None,
            teaches={"s": 0.9},
            duration_text=published,
        )
        return recommendations._step(PlannedStep(offer, [("s", 0.5)], 0.5), {"s": "SQL"}, {"s"}, {}).reason

    assert (
        step(86.7, "1 - 3 Months")
        == "Closes 1 gap skill (1 essential): SQL in about 87 h (published as “1 - 3 Months”)."
    )
    assert step(40.0, "40 hours").endswith("in about 40 h.")
    assert step(40.0, "PT40H").endswith("in about 40 h.")
    assert step(None, "1 - 3 Months").endswith("SQL.")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Team leader at a 3PL warehouse, counterbalance licence, I do the rotas.", "warehouse manager"),
        ("Production supervisor at a food factory, I ran a couple of 5S events.", "lean manager"),
        ("Admin officer at the council, weekly Excel reports and pivot tables.", "data analyst"),
        ("Kitchen porter in a hotel for a year, I help on the larder.", "cook"),
        ("Nights in a fulfilment centre, reach truck licence, only GCSEs. I want to be an electrician.", "electrician"),
        ("Police constable, 8 years, I do phone downloads on the kiosk.", "digital forensics expert"),
        ("Guitarist, I record demos in Logic for local bands and want to produce.", "music producer"),
        ("Roofer for 12 years, I want to fit solar panels.", "solar energy technician"),
        (
            "Data analyst at an insurer - SQL Server all day, Power BI. I want to move into data science.",
            "data scientist",
        ),
    ],
)
def test_every_step_is_written_for_the_target_occupation(
    session: Session, semantic: SemanticService, text: str, title: str
) -> None:
    from credpath.planning.offers import FIELD_RANK, PROFILE_FLOOR, PROFILE_TOP

    occupation = taxonomy.list_occupations(session, title, "esco", 1, 0).items[0]
    found = recommendations.recommend(
        session,
        semantic,
        TargetSpec(occupation_id=occupation.id),
        ConstraintSpec(max_credentials=3),
        learner=LearnerSpec(text=text),
    )
    shown = [s.credential_id for s in found.pathway.steps] + [a.credential_id for a in found.next.alternatives]
    assert semantic.in_field(occupation.id, shown, FIELD_RANK) == set(shown)
    # ... and near the work the occupation does, not only its name (planning.offers.PROFILE_FLOOR).
    essential = [
        r.skill_id
        for r in recommendations._occupation_target(session, occupation.id).requirements
        if r.relation == "essential"
    ]
    profile = semantic.skill_profile(shown, essential, PROFILE_TOP)
    assert all(profile[c] >= PROFILE_FLOOR for c in shown), profile
    # ... and nearer the role they want than the job they have, which it would only repeat.
    role = found.fit.current_role
    if role is not None and role.occupation_id != occupation.id:
        assert semantic.nearer_to(role.occupation_id, occupation.id, shown) == set(), role.label
    # A skill linked in context is never one of a credential the catalogue gives only a title.
    offers = {o.id: o for o in recommendations.aligned_catalogue(session).get(shown)}
    steps = [*found.pathway.steps, *found.next.alternatives]
    for s in steps:
        if any(skill.evidence == "context" for skill in s.covers):
            assert offers[s.credential_id].text.strip() != offers[s.credential_id].title.strip(), s.title


def test_a_credential_whose_nearest_occupations_include_the_target_counts_as_about_it() -> None:
    from credpath.planning.offers import CONTEXT_CONFIDENCE, NEAR_RANK, NEAR_ROLE_FLOOR, ROLE_FLOOR

    fits = {
        "central": (ROLE_FLOOR + 0.05, {"s": 0.6}),  # about the role by its text
        "near": (NEAR_ROLE_FLOOR + 0.05, {"s": 0.6}),  # under the role floor, but the role is among its nearest
        "elsewhere": (NEAR_ROLE_FLOOR + 0.05, {"s": 0.6}),  # as close to the text, written for other people
        "remote": (NEAR_ROLE_FLOOR - 0.05, {"s": 0.6}),  # under both floors
        "unlinked": (ROLE_FLOOR + 0.05, {"s": 0.3}),  # about the role, but names no gap skill
    }
    asked: list[tuple[str, tuple[str, ...], int]] = []

    class Semantic:
        labels = SimpleNamespace(skills={"s": "design instruction"})

        def role_links(
            self, about: str, skills: object, *, limit: int, floor: float, credential_ids: object = None
        ) -> dict[str, tuple[float, dict[str, float]]]:
            return {c: fit for c, fit in fits.items() if fit[0] >= floor}

        def in_field(self, occupation_id: str, credential_ids: list[str], rank: int) -> set[str]:
            asked.append((occupation_id, tuple(credential_ids), rank))
            return {"near"} & set(credential_ids)

    role_context = recommendations._role_context
    catalogue = OfferCatalogue([])
    found = role_context(catalogue, Semantic(), "instructional designer", "occ", ["s"], limit=80)  # type: ignore[arg-type]
    assert found == {"central": {"s": CONTEXT_CONFIDENCE}, "near": {"s": CONTEXT_CONFIDENCE}}
    # Only the credentials under the role floor are looked up, at NEAR_RANK.
    assert asked == [("occ", ("near", "elsewhere"), NEAR_RANK)]
    # A target that is not an occupation (skills, a posting) has no nearest occupations to be among.
    assert role_context(catalogue, Semantic(), "skills", None, ["s"], limit=80) == {  # type: ignore[arg-type]
        "central": {"s": CONTEXT_CONFIDENCE}
    }


def test_the_catalogues_nearest_credential_to_the_role_counts_as_about_it() -> None:
    from credpath.planning.offers import CONTEXT_CONFIDENCE, NEAR_ROLE_FLOOR, NEAREST_ABOUT, ROLE_FLOOR

    # Most central first, as role_links gives them; no credential reaches the role floor, and the role is
    # among none of their own nearest occupations ("Procurement & Sourcing Introduction" and *purchaser*).
    fits = {
        "nearest": (ROLE_FLOOR - 0.004, {"s": 0.6}),
        "second": (ROLE_FLOOR - 0.01, {"s": 0.6}),
        "remote": (NEAR_ROLE_FLOOR - 0.05, {"s": 0.6}),
    }

    class Semantic:
        labels = SimpleNamespace(skills={"s": "purchase supplies"})

        def role_links(
            self, about: str, skills: object, *, limit: int, floor: float, credential_ids: object = None
        ) -> dict[str, tuple[float, dict[str, float]]]:
            chosen = fits if credential_ids is None else {c: fits[c] for c in credential_ids}  # type: ignore[attr-defined]
            return dict(list({c: f for c, f in chosen.items() if f[0] >= floor}.items())[:limit])

        def in_field(self, occupation_id: str, credential_ids: list[str], rank: int) -> set[str]:
            return set()

    assert NEAREST_ABOUT == 1
    role_context = recommendations._role_context
    catalogue = OfferCatalogue([])
    found = role_context(catalogue, Semantic(), "purchaser", "occ", ["s"], limit=80)  # type: ignore[arg-type]
    assert found == {"nearest": {"s": CONTEXT_CONFIDENCE}}
    # A learner holding them is credited alike: the nearest vouches for the skill, the second does not.
    held = role_context(catalogue, Semantic(), "purchaser", "occ", ["s"], limit=2, credential_ids=["second", "nearest"])  # type: ignore[arg-type]
    assert held == {"nearest": {"s": CONTEXT_CONFIDENCE}}


def test_a_credential_known_only_by_its_title_is_not_linked_in_context() -> None:
    from credpath.planning.offers import CONTEXT_CONFIDENCE, ROLE_FLOOR

    def offer(identifier: str, title: str, text: str) -> CredentialOffer:
        return CredentialOffer(
            id=identifier,
            title=title,
            provider="U",
            kind="course",
            level=None,
            hours=None,
            cost=None,
            reviews=None,
            canonical_key=identifier,
            url=None,
            teaches={},
            text=text,
        )

    # Both sit as near the role; only one says anything beyond its title.
    catalogue = OfferCatalogue(
        [
            offer("bare", "Power Electronics", "Power Electronics"),
            offer("tagged", "Electrical Installation", "Electrical Installation | Wiring | Inspection and Testing"),
        ]
    )

    class Semantic:
        labels = SimpleNamespace(skills={"s": "electricity"})

        def role_links(
            self, about: str, skills: object, *, limit: int, floor: float, credential_ids: object = None
        ) -> dict[str, tuple[float, dict[str, float]]]:
            return {c: (ROLE_FLOOR + 0.05, {"s": 0.6}) for c in ("bare", "tagged", "imported")}

        def in_field(self, occupation_id: str, credential_ids: list[str], rank: int) -> set[str]:
            return set(credential_ids)

    found = recommendations._role_context(catalogue, Semantic(), "electrician", "occ", ["s"], limit=80)  # type: ignore[arg-type]
    # A credential the snapshot does not hold cannot be read either way and is linked as before.
    assert found == {"tagged": {"s": CONTEXT_CONFIDENCE}, "imported": {"s": CONTEXT_CONFIDENCE}}


def match(occupation: str, score: float, via: str | None = None) -> OccupationMatch:
    """A title match as ``match_occupations`` gives it, labelled by its id."""
    return OccupationMatch(
        occupation_id=occupation, label=occupation, taxonomy=Taxonomy.ESCO, score=score, via_onet=via
    )


def test_a_title_that_reads_alike_to_several_occupations_is_resolved_by_the_learners_text() -> None:
    from credpath.services.recommendations import TITLE_FLOOR, _title_choice

    # "Gas Engineer" as the persona benchmark's title linker ranks it, with cosines of a gas fitter's own words.
    near = {"petroleum engineer": 0.22, "gas service technician": 0.47, "far below": 0.99, "under the floor": 0.99}
    semantic = SimpleNamespace(occupation_nearness=lambda text, ids: {i: near[i] for i in ids})
    matches = [
        match("petroleum engineer", 0.975),
        match("gas service technician", 0.904),
        match("far below", 0.975 - TITLE_CONTEXT_MARGIN - 0.01),  # too far from the best title score to win
    ]
    assert _title_choice(semantic, matches, "I fit and service gas boilers").label == "gas service technician"
    # Without the learner's words the title decides alone.
    assert _title_choice(semantic, matches, None).label == "petroleum engineer"
    # A candidate under the title floor is never chosen, however near the text.
    low = [match("petroleum engineer", TITLE_FLOOR + 0.02), match("under the floor", TITLE_FLOOR - 0.01)]
    assert _title_choice(semantic, low, "anything").label == "petroleum engineer"


def test_a_typed_title_is_planned_for_the_occupation_the_learners_text_means(
    session: Session, semantic: SemanticService
) -> None:
    # Persona p41 (data/eval/personas.jsonl): the adviser's occupation for this person is *cloud engineer*.
    text = (
        "Junior Python dev, 18 months. I've written a few GitHub Actions workflows and Dockerfiles for the team "
        "and I'm on the deployment rota. I want to move into DevOps / platform engineering on AWS."
    )
    plain = recommendations.analyse_gaps(session, semantic, TargetSpec(title="DevOps Engineer"), learner=LearnerSpec())
    meant = recommendations.analyse_gaps(
        session, semantic, TargetSpec(title="DevOps Engineer"), learner=LearnerSpec(text=text)
    )
    # The title alone reads as change and configuration management (ESCO has no DevOps occupation); the
    # learner's words about deployments on AWS move the plan to the occupation an adviser would name.
    assert plain.target.label == "ICT change and configuration manager"
    assert meant.target.label == "cloud engineer"
    assert meant.target.occupation_id is not None
    assert plain.target.occupation_id is not None
    nearness = semantic.occupation_nearness(text, [meant.target.occupation_id, plain.target.occupation_id])
    assert nearness[meant.target.occupation_id] > nearness[plain.target.occupation_id]
    assert meant.target.kind == TargetKind.TITLE
    assert meant.target.score is not None
    assert meant.target.score >= recommendations.TITLE_FLOOR
    # Only a close second may win on the text: never one far below the title's best match.
    assert plain.target.score is not None
    assert plain.target.score - meant.target.score <= TITLE_CONTEXT_MARGIN


def test_a_title_onet_has_verbatim_is_chosen_among_its_crosswalk_occupations() -> None:
    from credpath.services.recommendations import _title_choice

    # A healthcare assistant's words sit nearest the job they have; the title they typed says the one they want.
    near = {"nurse assistant": 0.62, "general care": 0.41, "specialist nurse": 0.35}
    semantic = SimpleNamespace(occupation_nearness=lambda text, ids: {i: near[i] for i in ids})
    matches = [
        match("general care", 0.776, "29-1141.00"),
        match("specialist nurse", 0.755, "29-1141.00"),
        match("nurse assistant", 0.777),
    ]
    assert _title_choice(semantic, matches, "Healthcare assistant on a stroke ward").label == "general care"
    near["specialist nurse"] = 0.6
    # Between the crosswalk's occupations the learner's text still chooses.
    assert _title_choice(semantic, matches, "I work on the stroke ward").label == "specialist nurse"


def test_a_healthcare_assistant_typing_registered_nurse_is_planned_for_a_registered_nurse(
    session: Session, semantic: SemanticService
) -> None:
    text = (
        "Healthcare assistant on a stroke ward for 4 years, Care Certificate done. I want to become a registered nurse."
    )
    gaps = recommendations.analyse_gaps(
        session, semantic, TargetSpec(title="Registered Nurse"), learner=LearnerSpec(text=text)
    )
    assert gaps.target.label == "nurse responsible for general care"
    assert gaps.target.kind == TargetKind.TITLE
