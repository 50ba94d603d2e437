"""Administration (admin scope): organisations, their API keys, revocation, and the audit trail."""

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlmodel import Session

from credpath.api.auth import requires
from credpath.api.controllers.taxonomy import Limit, Offset
from credpath.api.deps import WRITES
from credpath.api.openapi import problems
from credpath.api.schemas import KeyCreate, OrganisationCreate
from credpath.services import access as access_service
from credpath.services.access import Caller
from credpath.services.views import ApiKeyView, AuditPage, CreatedKey, OrganisationPage, OrganisationView
from credpath.vocabulary import AuditEntity, OrgKind, Scope

__all__ = ["AccessController"]

OrgId = Annotated[str, PathParameter(min_length=1, max_length=64)]
Prefix = Annotated[str, PathParameter(min_length=1, max_length=16)]


class AccessController(Controller):
    """Organisations, keys and the audit trail; every handler needs an admin key."""

    tags = ("access",)
    guards = [requires(Scope.ADMIN)]  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/orgs",
        sync_to_thread=True,
        dependencies={"session": WRITES},
        summary="Register an organisation",
        responses=problems(400, 403, 409, 413, 415),
    )
    def create_org(
        self, session: NamedDependency[Session], caller: NamedDependency[Caller], data: JSONBody[OrganisationCreate]
    ) -> OrganisationView:
        """A portal, employer or issuer; 201, or 409 when the name is taken."""
        return access_service.create_organisation(session, caller, name=data.name, kind=OrgKind(data.kind))

    @get("/orgs", sync_to_thread=True, summary="Organisations", responses=problems(400, 403))
    def list_orgs(self, session: NamedDependency[Session], limit: Limit = 20, offset: Offset = 0) -> OrganisationPage:
        """Every organisation, by name."""
        return access_service.list_organisations(session, limit=limit, offset=offset)

    @post(
        "/orgs/{org_id:str}/keys",
        sync_to_thread=True,
        dependencies={"session": WRITES},
        summary="Create an API key",
        responses=problems(400, 403, 404, 409, 413, 415, 422),
    )
    def create_key(
        self,
        session: NamedDependency[Session],
        caller: NamedDependency[Caller],
        org_id: OrgId,
        data: JSONBody[KeyCreate],
    ) -> CreatedKey:
        """A new key for the organisation: ``key`` is in this answer only; the server keeps its hash."""
        return access_service.create_key(session, caller, org_id, scopes=data.scopes, expires_at=data.expires_at)

    @get("/keys", sync_to_thread=True, summary="API keys", responses=problems(400, 403))
    def list_keys(
        self,
        session: NamedDependency[Session],
        org_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> list[ApiKeyView]:
        """Every key's prefix, organisation, scopes and state (never the key)."""
        return access_service.list_keys(session, org_id)

    @delete(
        "/keys/{prefix:str}",
        sync_to_thread=True,
        status_code=204,
        dependencies={"session": WRITES},
        summary="Revoke an API key",
        responses=problems(400, 403, 404),
    )
    def revoke_key(
        self, session: NamedDependency[Session], caller: NamedDependency[Caller], prefix: Prefix, state: State
    ) -> None:
        """The key stops working at once on this server, and within ``CREDPATH_KEY_CACHE_SECONDS`` (1 s) on others.

        Idempotent. Other workers and replicas trust a key they looked up for that long.
        """
        access_service.revoke_key(session, caller, prefix)
        state.key_cache.revoked(prefix)

    @get("/audit", sync_to_thread=True, summary="Audit trail", responses=problems(400, 403))
    def audit(
        self,
        session: NamedDependency[Session],
        entity: Annotated[
            AuditEntity | None, QueryParameter(description="learner, posting, key or organisation")
        ] = None,
        entity_id: Annotated[str | None, QueryParameter(max_length=300)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> AuditPage:
        """Writes to learners, postings, keys and organisations: who (key prefix) and when, newest first."""
        return access_service.audit_page(session, entity=entity, entity_id=entity_id, limit=limit, offset=offset)
