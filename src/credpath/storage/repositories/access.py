"""Organisations, their API keys (hashes only) and the audit trail of writes."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from credpath.storage.tables import ApiKey, AuditEvent, Organisation

__all__ = [
    "add_api_key",
    "add_audit_event",
    "add_organisation",
    "api_key",
    "api_keys",
    "audit_events",
    "count_active_keys",
    "key_by_hash",
    "organisation",
    "organisation_by_name",
    "organisations",
]


def organisation(session: Session, org_id: str) -> Organisation | None:
    """One organisation by id."""
    return session.get(Organisation, org_id)


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    """One organisation by its unique name."""
    return session.scalars(select(Organisation).where(col(Organisation.name) == name)).first()


def organisations(session: Session, *, limit: int, offset: int) -> tuple[list[Organisation], int]:
    """A page of organisations by name, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Organisation)) or 0
    rows = session.scalars(select(Organisation).order_by(col(Organisation.name)).limit(limit).offset(offset))
    return list(rows), total


def add_organisation(session: Session, org: Organisation) -> None:
    """Insert an organisation (flushed, not committed)."""
    session.add(org)
    session.flush()


def api_key(session: Session, prefix: str) -> ApiKey | None:
    """One key by its public prefix."""
    return session.get(ApiKey, prefix)


def key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    """The key stored with this hash (used to make a bootstrap key idempotent)."""
    return session.scalars(select(ApiKey).where(col(ApiKey.key_hash) == key_hash)).first()


def api_keys(session: Session, org_id: str | None = None) -> list[tuple[ApiKey, Organisation]]:
    """Keys with their organisation, oldest first; optionally of one organisation."""
    query = select(ApiKey, Organisation).join(Organisation, col(Organisation.id) == col(ApiKey.org_id))
    if org_id is not None:
        query = query.where(col(ApiKey.org_id) == org_id)
    return [(key, org) for key, org in session.execute(query.order_by(col(ApiKey.created_at), col(ApiKey.prefix)))]


def count_active_keys(session: Session, now: datetime) -> int:
    """Keys neither revoked nor expired."""
    query = (
        select(func.count())
        .select_from(ApiKey)
        .where(col(ApiKey.revoked_at).is_(None))
        .where(col(ApiKey.expires_at).is_(None) | (col(ApiKey.expires_at) > now))
    )
    return session.scalar(query) or 0


def add_api_key(session: Session, key: ApiKey) -> None:
    """Insert a key (flushed, not committed)."""
    session.add(key)
    session.flush()


def add_audit_event(session: Session, event: AuditEvent) -> None:
    """Record one write (in the same transaction as the write itself)."""
    session.add(event)
    session.flush()


def audit_events(
    session: Session, *, entity: str | None, entity_id: str | None, limit: int, offset: int
) -> tuple[Sequence[AuditEvent], int]:
    """A page of audit events, newest first, optionally of one entity kind or one record."""
    query = select(AuditEvent)
    if entity is not None:
        query = query.where(col(AuditEvent.entity) == entity)
    if entity_id is not None:
        query = query.where(col(AuditEvent.entity_id) == entity_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset))
    return list(rows), total
