"""Employers' job postings (the postings scopes; another organisation's posting is a 404), and demand insights."""

from functools import partial
from typing import Annotated

import anyio
from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import ResponseHeader, State
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED
from sqlmodel import Session

from credpath.api.auth import public_read, requires
from credpath.api.controllers.taxonomy import Limit, Offset
from credpath.api.deps import WRITES, run_in_write_unit
from credpath.api.openapi import problems
from credpath.api.schemas import Language, PostingBatchCreate, PostingCreate, PostingPatch, PostingSkillBody
from credpath.services import candidates as candidate_service
from credpath.services import demand as demand_service
from credpath.services import posting_credentials as posting_credential_service
from credpath.services import postings as posting_service
from credpath.services.access import Caller
from credpath.services.postings import PostingChanges, PostingSkillSpec, PostingSpec
from credpath.services.recommendations import parse_accept_language
from credpath.services.semantic import SemanticService
from credpath.services.views import (
    CandidatePage,
    DemandResponse,
    PostingBatch,
    PostingCredentials,
    PostingPage,
    PostingView,
    SupplyGapResponse,
)
from credpath.vocabulary import PostingStatus, PostingVisibility, RelationType, Scope

__all__ = ["InsightsController", "PostingController", "posting_spec"]

LOCATION = ResponseHeader(
    name="Location", description="The new posting's URL, relative to the server", documentation_only=True
)
PostingId = Annotated[str, PathParameter(min_length=1, max_length=64)]
OccupationFilter = Annotated[str | None, QueryParameter(max_length=300, description="ESCO URI/UUID or O*NET code")]
READ = [requires(Scope.POSTINGS_READ)]
WRITE = [requires(Scope.POSTINGS_WRITE)]


def _skills(items: list[PostingSkillBody]) -> tuple[PostingSkillSpec, ...]:
    return tuple(PostingSkillSpec(skill_id=s.skill_id, importance=RelationType(s.importance)) for s in items)


def posting_spec(body: PostingCreate) -> PostingSpec:
    """The service's view of a posting body."""
    return PostingSpec(
        title=body.title,
        description=body.description,
        location=body.location,
        url=body.url,
        skills=_skills(body.skills),
        occupation_id=body.occupation_id,
        status=PostingStatus(body.status),
        visibility=PostingVisibility(body.visibility),
    )


class PostingController(Controller):
    """Job postings of the key's organisation: ``postings:write`` to write, ``postings:read`` to read."""

    path = "/postings"
    tags = ("postings",)

    # Creating and updating read the text with the encoder first (seconds for a long description) and only
    # then open the write transaction (run_in_write_unit), so other writers never wait for the encoder.
    @post(
        "/",
        guards=WRITE,
        summary="Create a job posting",
        operation_id="createPosting",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
        response_headers=[LOCATION],
    )
    async def create(
        self,
        state: State,
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        data: JSONBody[PostingCreate],
    ) -> Response[PostingView]:
        """Skills are extracted from the description (with spans and scores); explicit ones taken as given."""
        spec = posting_spec(data)
        texts = await anyio.to_thread.run_sync(posting_service.read_postings, semantic, caller, [spec])
        posting = await run_in_write_unit(
            state, partial(posting_service.create_posting, caller=caller, spec=spec, text=texts[0])
        )
        return Response(posting, status_code=HTTP_201_CREATED, headers={"Location": f"/v1/postings/{posting.id}"})

    @post(
        "/batch",
        guards=WRITE,
        summary="Create up to 100 postings, all or nothing",
        operation_id="createPostingBatch",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
    )
    async def create_batch(
        self,
        state: State,
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        data: JSONBody[PostingBatchCreate],
    ) -> PostingBatch:
        """201 with every posting, in order; one bad posting (or more than 100) stores none of them."""
        specs = [posting_spec(p) for p in data.postings]
        texts = await anyio.to_thread.run_sync(posting_service.read_postings, semantic, caller, specs)
        return await run_in_write_unit(
            state, partial(posting_service.create_postings, caller=caller, specs=specs, texts=texts)
        )

    @get(
        "/",
        sync_to_thread=True,
        guards=READ,
        summary="The organisation's postings",
        operation_id="listPostings",
        responses=problems(400, 403),
    )
    def list_postings(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        status: Annotated[PostingStatus | None, QueryParameter(description="open or closed")] = None,
        occupation_id: OccupationFilter = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PostingPage:
        """Newest first; optionally of one status or occupation."""
        return posting_service.list_postings(
            session, caller, status=status, occupation_id=occupation_id, limit=limit, offset=offset
        )

    @get(
        "/{posting_id:str}",
        sync_to_thread=True,
        guards=READ,
        summary="One posting",
        operation_id="readPosting",
        responses=problems(400, 403, 404),
    )
    def read(
        self, session: NamedDependency[Session], caller: NamedDependency[Caller], posting_id: PostingId
    ) -> PostingView:
        """The posting with its skills (source, importance, span and score) and occupations."""
        return posting_service.get_posting(session, caller, posting_id)

    @patch(
        "/{posting_id:str}",
        guards=WRITE,
        summary="Update or correct a posting",
        operation_id="updatePosting",
        responses=problems(400, 403, 404, 413, 415, 422, 503),
    )
    async def update(
        self,
        state: State,
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        posting_id: PostingId,
        data: JSONBody[PostingPatch],
    ) -> PostingView:
        """Change fields, close or reopen, add/remove skills or change importance (kept across re-extraction)."""
        changes = PostingChanges(
            title=data.title,
            description=data.description,
            location=data.location,
            url=data.url,
            occupation_id=data.occupation_id,
            status=None if data.status is None else PostingStatus(data.status),
            visibility=None if data.visibility is None else PostingVisibility(data.visibility),
            add_skills=_skills(data.add_skills),
            remove_skills=tuple(data.remove_skills),
        )
        text = await anyio.to_thread.run_sync(posting_service.read_changes, semantic, caller, changes)
        return await run_in_write_unit(
            state,
            partial(posting_service.update_posting, caller=caller, posting_id=posting_id, changes=changes, text=text),
        )

    @delete(
        "/{posting_id:str}",
        sync_to_thread=True,
        guards=WRITE,
        dependencies={"session": WRITES},
        summary="Delete a posting",
        operation_id="deletePosting",
        responses=problems(400, 403, 404),
        status_code=204,
    )
    def remove(self, session: NamedDependency[Session], caller: NamedDependency[Caller], posting_id: PostingId) -> None:
        """Delete the posting and its skills."""
        posting_service.delete_posting(session, caller, posting_id)

    @get(
        "/{posting_id:str}/credentials",
        sync_to_thread=True,
        guards=READ,
        summary="Credentials that teach a posting's skills",
        operation_id="postingCredentials",
        responses=problems(400, 403, 404, 422, 503),
    )
    def credentials(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        posting_id: PostingId,
        max_credentials: Annotated[int, QueryParameter(ge=1, le=20)] = 3,
        languages: Annotated[
            list[Language] | None,
            QueryParameter(
                max_items=10, description="Languages the credentials are taught in (repeatable); else Accept-Language"
            ),
        ] = None,
        accept_language: Annotated[
            str | None, HeaderParameter(name="Accept-Language", required=False, max_length=500)
        ] = None,
    ) -> PostingCredentials:
        """Per skill, the credentials teaching it; and a small set covering the most (the pathway planner).

        Both list credentials taught in the asked-for ``languages``, else the request's
        ``Accept-Language``, else English.
        """
        return posting_credential_service.posting_credentials(
            session,
            semantic,
            caller,
            posting_id,
            max_credentials=max_credentials,
            languages=tuple(dict.fromkeys(languages)) if languages else None,
            accept_languages=parse_accept_language(accept_language),
        )

    @get(
        "/{posting_id:str}/candidates",
        sync_to_thread=True,
        guards=READ,
        summary="Learners who opted in, ranked by readiness",
        operation_id="postingCandidates",
        responses=problems(400, 403, 404, 503),
    )
    def candidates(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        semantic: NamedDependency[SemanticService],
        posting_id: PostingId,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CandidatePage:
        """Pseudonymous references with readiness, covered and missing skills and a best next credential."""
        return candidate_service.posting_candidates(session, semantic, caller, posting_id, limit=limit, offset=offset)


class InsightsController(Controller):
    """Demand over every organisation's open postings: aggregates only (skills and counts), a public read."""

    path = "/insights"
    tags = ("insights",)
    guards = [public_read]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/demand", sync_to_thread=True, summary="Most-requested skills", responses=problems(400))
    def demand(
        self, session: NamedDependency[Session], occupation_id: OccupationFilter = None, limit: Limit = 20
    ) -> DemandResponse:
        """Skills by how many open postings ask for them, with the share of postings."""
        return demand_service.demand(session, occupation_id=occupation_id, limit=limit)

    @get("/supply-gaps", sync_to_thread=True, summary="Demanded skills no credential teaches", responses=problems(400))
    def supply_gaps(self, session: NamedDependency[Session], limit: Limit = 20) -> SupplyGapResponse:
        """Skills employers ask for that no credential teaches, or only weakly: what an issuer could build next."""
        return demand_service.supply_gaps(session, limit=limit)
