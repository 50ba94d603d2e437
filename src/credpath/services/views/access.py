"""Organisations, API keys (never the key itself, except once at creation) and audit events."""

from datetime import datetime

import msgspec

from credpath.vocabulary import AuditAction, AuditEntity, OrgKind, Scope

__all__ = ["ApiKeyView", "AuditEventView", "AuditPage", "CreatedKey", "OrganisationPage", "OrganisationView"]


class OrganisationView(msgspec.Struct, frozen=True, kw_only=True):
    """A portal, employer, issuer or the operator."""

    id: str
    name: str
    kind: OrgKind
    created_at: datetime


class OrganisationPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of organisations."""

    items: list[OrganisationView]
    total: int
    limit: int
    offset: int


class ApiKeyView(msgspec.Struct, frozen=True, kw_only=True):
    """A stored key: its public prefix and state, never the key."""

    prefix: str
    org_id: str
    org_name: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class CreatedKey(msgspec.Struct, frozen=True, kw_only=True):
    """A new key: ``key`` is shown this once and cannot be recovered (only its hash is stored)."""

    key: str
    prefix: str
    org_id: str
    scopes: list[Scope]
    expires_at: datetime | None


class AuditEventView(msgspec.Struct, frozen=True, kw_only=True):
    """One audited write: who (the key prefix, or ``cli``) did what to which record, and when."""

    at: datetime
    actor: str
    org_id: str | None
    action: AuditAction
    entity: AuditEntity
    entity_id: str


class AuditPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of audit events, newest first."""

    items: list[AuditEventView]
    total: int
    limit: int
    offset: int
