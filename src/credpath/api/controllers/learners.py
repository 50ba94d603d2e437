"""Stored learner profiles, and recommendations for a stored learner."""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Annotated, Any

import anyio
from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import ResponseHeader, State
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED
from sqlmodel import Session

from credpath.api.auth import requires
from credpath.api.controllers.recommendations import RoleLimit, RoleOffset, RoleTaxonomy
from credpath.api.deps import WRITES, run_in_read_unit, run_in_write_unit
from credpath.api.openapi import problems
from credpath.api.schemas import (
    LearnerCreate,
    LearnerPatch,
    LearnerSkillsAdd,
)
from credpath.services import learners as learner_service
from credpath.services import recommendations as recommendation_service
from credpath.services import roles as role_service
from credpath.services import wallet as wallet_service
from credpath.services.access import Caller
from credpath.services.recommendations import ConstraintSpec, TargetSpec
from credpath.services.semantic import SemanticService
from credpath.services.views import BadgeBatch, LearnerSkillView, LearnerView, RecommendationResponse, RolePage
from credpath.vocabulary import Scope

__all__ = ["LearnerController"]

LOCATION = ResponseHeader(
    name="Location", description="The new learner's URL, relative to the server", documentation_only=True
)
LearnerId = Annotated[str, PathParameter(min_length=1, max_length=64)]
READ = [requires(Scope.LEARNERS_READ)]
WRITE = [requires(Scope.LEARNERS_WRITE)]


async def _resolve(
    state: State,
    semantic: SemanticService,
    skills: Sequence[str],
    text: str | None,
    credentials: Sequence[str],
    proficiency: Mapping[str, float] | None,
) -> learner_service.Held:
    """What a write will record, validated and inferred before its write transaction opens.

    The encoder (free text) and the id checks read nothing the write changes, so other writers do not wait
    for them (on SQLite every writer of every process waits for the one holding the write lock).
    """
    spec = learner_service.LearnerSpec(
        skills=tuple(skills), text=text, credentials=tuple(credentials), proficiency=dict(proficiency or {})
    )
    return await run_in_read_unit(state, partial(learner_service.resolve_held, semantic=semantic, learner=spec))


class LearnerController(Controller):
    """Stored learner profiles: the learner scopes; a learner of another organisation is a 404."""

    path = "/learners"
    tags = ("learners",)

    # Writes that read free text run the encoder first and only then open the write transaction
    # (run_in_write_unit), so other writers never wait for the encoder.
    @post(
        "/",
        guards=WRITE,
        summary="Create a learner",
        operation_id="createLearner",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
        response_headers=[LOCATION],
    )
    async def create(
        self,
        state: State,
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        data: JSONBody[LearnerCreate],
    ) -> Response[LearnerView]:
        """Skills may be given as ESCO ids, free text, or credentials already held; 201 with the profile."""
        resolved = await _resolve(state, semantic, data.skills, data.text, data.credentials, data.proficiency)
        learner_id = await run_in_write_unit(
            state,
            partial(
                learner_service.record_learner,
                semantic=semantic,
                caller=caller,
                name=data.name,
                discoverable=data.discoverable,
                skills=data.skills,
                text=data.text,
                credentials=data.credentials,
                proficiency=data.proficiency,
                languages=data.languages or (),
                level=data.level,
                resolved=resolved,
            ),
        )
        learner = await run_in_read_unit(
            state, partial(learner_service.get_learner, caller=caller, learner_id=learner_id)
        )
        return Response(learner, status_code=HTTP_201_CREATED, headers={"Location": f"/v1/learners/{learner.id}"})

    @get(
        "/{learner_id:str}",
        sync_to_thread=True,
        guards=READ,
        summary="One learner",
        operation_id="readLearner",
        responses=problems(400, 403, 404),
    )
    def read(
        self, session: NamedDependency[Session], caller: NamedDependency[Caller], learner_id: LearnerId
    ) -> LearnerView:
        """The profile with skills and evidence."""
        return learner_service.get_learner(session, caller, learner_id)

    @patch(
        "/{learner_id:str}",
        sync_to_thread=True,
        guards=WRITE,
        dependencies={"session": WRITES},
        summary="Update a learner",
        operation_id="updateLearner",
        responses=problems(400, 403, 404, 413, 415),
    )
    def update(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        learner_id: LearnerId,
        data: JSONBody[LearnerPatch],
    ) -> LearnerView:
        """Change the name, discoverability by employers (consent; false withdraws it), languages or level."""
        return learner_service.update_learner(
            session,
            caller,
            learner_id,
            name=data.name,
            discoverable=data.discoverable,
            languages=data.languages,
            level=data.level,
        )

    @delete(
        "/{learner_id:str}",
        sync_to_thread=True,
        guards=WRITE,
        dependencies={"session": WRITES},
        summary="Delete a learner",
        operation_id="deleteLearner",
        responses=problems(400, 403, 404),
        status_code=204,
    )
    def remove(self, session: NamedDependency[Session], caller: NamedDependency[Caller], learner_id: LearnerId) -> None:
        """Delete the learner and everything stored about them."""
        learner_service.delete_learner(session, caller, learner_id)

    @get(
        "/{learner_id:str}/skills",
        sync_to_thread=True,
        guards=READ,
        summary="A learner's skills",
        operation_id="readLearnerSkills",
        responses=problems(400, 403, 404),
    )
    def skills(
        self, session: NamedDependency[Session], caller: NamedDependency[Caller], learner_id: LearnerId
    ) -> list[LearnerSkillView]:
        """Skills with evidence (verified credential > declared > inferred from text) and proficiency."""
        return learner_service.get_learner(session, caller, learner_id).skills

    @post(
        "/{learner_id:str}/skills",
        status_code=200,
        guards=WRITE,
        summary="Add skills to a learner",
        operation_id="addLearnerSkills",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
    )
    async def add_skills(
        self,
        state: State,
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        learner_id: LearnerId,
        data: JSONBody[LearnerSkillsAdd],
    ) -> LearnerView:
        """Add skills by ESCO id, free text or held credentials; stronger evidence is never downgraded."""
        resolved = await _resolve(state, semantic, data.skills, data.text, data.credentials, data.proficiency)
        await run_in_write_unit(
            state,
            partial(
                learner_service.record_skills,
                semantic=semantic,
                caller=caller,
                learner_id=learner_id,
                skills=data.skills,
                text=data.text,
                credentials=data.credentials,
                proficiency=data.proficiency,
                resolved=resolved,
            ),
        )
        return await run_in_read_unit(state, partial(learner_service.get_learner, caller=caller, learner_id=learner_id))

    @post(
        "/{learner_id:str}/badges",
        status_code=200,
        guards=WRITE,
        summary="Add Open Badges credentials to a learner's wallet",
        operation_id="addLearnerBadges",
        responses=problems(400, 403, 404, 413, 415, 422),
    )
    async def add_badges(
        self,
        state: State,
        caller: NamedDependency[Caller],
        learner_id: LearnerId,
        data: JSONBody[Any],
    ) -> BadgeBatch:
        """One or more OpenBadgeCredentials (JSON with a proof, or compact VC-JWT strings); 422 if any is tampered.

        A proof that verifies makes the achievement's skills verified; a credential that cannot be verified
        offline (``did:web``) is kept as claimed (its skills count as declared). Nothing is stored on a 422.
        """
        # Proofs are checked (canonicalisation, signatures) before the write transaction opens.
        checked = await anyio.to_thread.run_sync(partial(wallet_service.check_badges, caller, data))
        return await run_in_write_unit(
            state, partial(wallet_service.store_badges, caller=caller, learner_id=learner_id, checked=checked)
        )

    @get(
        "/{learner_id:str}/badges",
        sync_to_thread=True,
        guards=READ,
        summary="A learner's badges",
        operation_id="readLearnerBadges",
        responses=problems(400, 403, 404),
    )
    def badges(
        self, session: NamedDependency[Session], caller: NamedDependency[Caller], learner_id: LearnerId
    ) -> BadgeBatch:
        """The badges, oldest first, each verified or claimed."""
        return wallet_service.list_badges(session, caller, learner_id)

    @delete(
        "/{learner_id:str}/badges/{badge_id:str}",
        sync_to_thread=True,
        guards=WRITE,
        dependencies={"session": WRITES},
        summary="Remove a badge",
        operation_id="removeLearnerBadge",
        responses=problems(400, 403, 404),
        status_code=204,
    )
    def remove_badge(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        learner_id: LearnerId,
        badge_id: Annotated[str, PathParameter(min_length=1, max_length=64)],
    ) -> None:
        """Delete the badge and the skills it alone supported."""
        wallet_service.delete_badge(session, caller, learner_id, badge_id)

    @delete(
        "/{learner_id:str}/skills/{skill_id:path}",
        sync_to_thread=True,
        status_code=200,
        guards=WRITE,
        dependencies={"session": WRITES},
        summary="Remove a skill",
        operation_id="removeLearnerSkill",
        responses=problems(400, 403, 404),
    )
    def remove_skill(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        learner_id: LearnerId,
        skill_id: Annotated[str, PathParameter(max_length=300)],
    ) -> LearnerView:
        """Remove one skill (ESCO URI, URL-encoded, or its UUID)."""
        return learner_service.remove_skill(session, caller, learner_id, skill_id)

    @get(
        "/{learner_id:str}/recommendations",
        sync_to_thread=True,
        guards=READ,
        summary="Recommendations for a stored learner",
        operation_id="learnerRecommendations",
        responses=problems(400, 403, 404, 422, 503),
    )
    def recommendations(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        learner_id: LearnerId,
        occupation_id: Annotated[str | None, QueryParameter(max_length=300)] = None,
        title: Annotated[str | None, QueryParameter(max_length=300)] = None,
        max_credentials: Annotated[int | None, QueryParameter(ge=1, le=20)] = None,
        max_hours: Annotated[float | None, QueryParameter(gt=0, le=100_000)] = None,
        accept_language: Annotated[
            str | None, HeaderParameter(name="Accept-Language", required=False, max_length=500)
        ] = None,
    ) -> RecommendationResponse:
        """Same answer as POST /v1/recommendations with ``learner_id`` and an occupation or title target."""
        return recommendation_service.recommend(
            session,
            semantic,
            TargetSpec(occupation_id=occupation_id, title=title),
            ConstraintSpec(max_credentials=max_credentials, max_hours=max_hours),
            learner_id=learner_id,
            accept_languages=recommendation_service.parse_accept_language(accept_language),
            caller=caller,
        )

    @post(
        "/{learner_id:str}/roles",
        status_code=200,
        sync_to_thread=True,
        guards=READ,
        summary="Roles a stored learner is closest to",
        operation_id="learnerRoles",
        responses=problems(400, 403, 404, 503),
    )
    def roles(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        learner_id: LearnerId,
        taxonomy: RoleTaxonomy = "all",
        limit: RoleLimit = 20,
        offset: RoleOffset = 0,
    ) -> RolePage:
        """Same answer as POST /v1/roles with ``learner_id``."""
        return role_service.closest_roles(
            session, semantic, learner_id=learner_id, caller=caller, taxonomy=taxonomy, limit=limit, offset=offset
        )
