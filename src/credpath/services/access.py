"""Who is calling: organisations, API keys, scopes, the tenant scope of a caller, and the audit trail.

A key is ``cp_<prefix>_<secret>``: 32 random bytes (256 bits, ``secrets``) after a short public prefix that
finds the row. Only the key's SHA-256 is stored: for a high-entropy random key a fast hash is the standard
choice (a slow password hash such as argon2 protects *guessable* secrets and would cost every request tens
of milliseconds); the stored digest is compared in constant time (``hmac.compare_digest``).
"""

import hashlib
import hmac
import logging
import os
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from credpath.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from credpath.services import views
from credpath.services.resources import unit_of_work
from credpath.storage.db import for_writes
from credpath.storage.repositories import access as access_repo
from credpath.storage.tables import ApiKey, AuditEvent, Organisation
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import AuditAction, AuditEntity, OrgKind, Scope

__all__ = [
    "ANONYMOUS",
    "CLI",
    "OPERATOR_ORG",
    "Caller",
    "KeyStatus",
    "audit",
    "audit_page",
    "authenticate",
    "bootstrap_admin_key",
    "create_key",
    "create_key_for_org",
    "create_organisation",
    "ensure_admin_key",
    "hash_key",
    "key_status",
    "list_keys",
    "list_organisations",
    "record",
    "record_use",
    "revoke_key",
]

log = logging.getLogger(__name__)

OPERATOR_ORG = "operator"
KEY_PATTERN = re.compile(r"^cp_([0-9a-f]{8})_[A-Za-z0-9_-]{43,}$")
MIN_BOOTSTRAP_LENGTH = 32
# last_used_at is refreshed at most this often per key, so reads do not turn into a write per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True, slots=True, kw_only=True)
class Caller:
    """The authenticated key behind a request (or nobody): its organisation and scopes.

    Example:
        >>> portal = Caller(actor="ab12cd34", org_id="o1", scopes=frozenset({Scope.LEARNERS_READ}))
        >>> portal.has(Scope.LEARNERS_READ), portal.has(Scope.LEARNERS_WRITE), portal.tenant.org_id
        (True, False, 'o1')
        >>> ANONYMOUS.authenticated, CLI.has(Scope.POSTINGS_WRITE), CLI.tenant.sees_all
        (False, True, True)
    """

    actor: str
    org_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    authenticated: bool = True

    @property
    def is_admin(self) -> bool:
        """Admin keys hold every scope and see every organisation's records."""
        return Scope.ADMIN in self.scopes

    def has(self, scope: Scope) -> bool:
        """Whether the caller holds ``scope`` (admin holds them all)."""
        return self.is_admin or scope in self.scopes

    @property
    def tenant(self) -> TenantScope:
        """The rows this caller may see."""
        return TenantScope(org_id=self.org_id, sees_all=self.is_admin)

    def require_key(self) -> None:
        """Raise unless a valid key was given.

        Raises:
            AuthenticationError: an anonymous caller.
        """
        if not self.authenticated:
            raise AuthenticationError("this endpoint needs an API key: Authorization: Bearer <key>")

    def require(self, scope: Scope) -> None:
        """Raise unless the caller holds ``scope``.

        Raises:
            AuthenticationError: an anonymous caller (401).
            PermissionDeniedError: a valid key without the scope (403).
        """
        self.require_key()
        if not self.has(scope):
            raise PermissionDeniedError(f"this API key lacks the {scope.value!r} scope")


ANONYMOUS = Caller(actor="anonymous", authenticated=False)
# The command line runs on the server with the operator's database credentials: it acts as admin.
CLI = Caller(actor="cli", scopes=frozenset({Scope.ADMIN}))


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back naive; they were written in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def _prefix_of(key: str) -> str:
    """The lookup prefix: embedded in a generated key; derived from the hash of an operator-chosen one."""
    match = KEY_PATTERN.match(key)
    return match.group(1) if match else "b" + hash_key(key)[:7]


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"cp_{prefix}_{secrets.token_urlsafe(32)}"


def record(session: Session, caller: Caller, action: AuditAction, entity: AuditEntity, entity_id: str) -> None:
    """Audit one write, in the same transaction as the write."""
    access_repo.add_audit_event(
        session,
        AuditEvent(actor=caller.actor, org_id=caller.org_id, action=action, entity=entity, entity_id=entity_id),
    )


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """A valid key as read from the database: who it stands for, until when, and when it was last used."""

    caller: Caller
    expires_at: datetime | None
    last_used_at: datetime | None

    def check(self, now: datetime) -> None:
        """Raise if the key has expired by ``now``.

        Raises:
            AuthenticationError: expired.
        """
        if self.expires_at is not None and self.expires_at <= now:
            raise AuthenticationError("API key revoked or expired")

    def use_due(self, now: datetime) -> bool:
        """Whether ``last_used_at`` is due a refresh (at most once a minute per key)."""
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION


def key_status(session: Session, key: str) -> KeyStatus:
    """The state of a presented key (writes nothing).

    Raises:
        AuthenticationError: unknown, revoked or expired key (one message for all: nothing to probe).
    """
    row = access_repo.api_key(session, _prefix_of(key))
    if row is None or not hmac.compare_digest(row.key_hash, hash_key(key)):
        raise AuthenticationError("invalid API key")
    if row.revoked_at is not None:
        raise AuthenticationError("API key revoked or expired")
    caller = Caller(actor=row.prefix, org_id=row.org_id, scopes=frozenset(row.scopes))
    status = KeyStatus(caller, _aware(row.expires_at), _aware(row.last_used_at))
    status.check(_now())
    return status


def record_use(session: Session, prefix: str) -> None:
    """Set a key's ``last_used_at`` to now."""
    row = access_repo.api_key(session, prefix)
    if row is not None:
        row.last_used_at = _now()
        session.flush()


def authenticate(session: Session, key: str) -> Caller:
    """The caller a presented key stands for; records ``last_used_at`` (at most once a minute per key).

    Raises:
        AuthenticationError: unknown, revoked or expired key (one message for all: nothing to probe).
    """
    status = key_status(session, key)
    if status.use_due(_now()):
        record_use(session, status.caller.actor)
    return status.caller


def _org_view(org: Organisation) -> views.OrganisationView:
    return views.OrganisationView(id=org.id, name=org.name, kind=OrgKind(org.kind), created_at=org.created_at)


def create_organisation(session: Session, caller: Caller, *, name: str, kind: OrgKind) -> views.OrganisationView:
    """Register an organisation.

    Raises:
        ConflictError: the name is taken.
    """
    if access_repo.organisation_by_name(session, name) is not None:
        raise ConflictError(f"an organisation named {name!r} exists")
    org = Organisation(id=uuid.uuid4().hex, name=name, kind=kind)
    access_repo.add_organisation(session, org)
    record(session, caller, AuditAction.CREATE, AuditEntity.ORGANISATION, org.id)
    return _org_view(org)


def list_organisations(session: Session, *, limit: int, offset: int) -> views.OrganisationPage:
    """A page of organisations."""
    rows, total = access_repo.organisations(session, limit=limit, offset=offset)
    return views.OrganisationPage(items=[_org_view(o) for o in rows], total=total, limit=limit, offset=offset)


def _scopes(scopes: Iterable[str]) -> list[Scope]:
    try:
        chosen = sorted({Scope(s) for s in scopes})
    except ValueError as exc:
        raise InvalidInputError(f"unknown scope; choose from {', '.join(s.value for s in Scope)}") from exc
    if not chosen:
        raise InvalidInputError("a key needs at least one scope")
    return chosen


def _store_key(
    session: Session, caller: Caller, org_id: str, scopes: list[Scope], expires_at: datetime | None, key: str
) -> views.CreatedKey:
    prefix = _prefix_of(key)
    if access_repo.api_key(session, prefix) is not None:
        raise ConflictError("key prefix collision; try again")
    row = ApiKey(prefix=prefix, org_id=org_id, key_hash=hash_key(key), scopes=list(scopes), expires_at=expires_at)
    access_repo.add_api_key(session, row)
    record(session, caller, AuditAction.CREATE, AuditEntity.KEY, prefix)
    return views.CreatedKey(key=key, prefix=prefix, org_id=org_id, scopes=scopes, expires_at=expires_at)


def create_key(
    session: Session, caller: Caller, org_id: str, *, scopes: Iterable[str], expires_at: datetime | None = None
) -> views.CreatedKey:
    """A new random key for an organisation; the key is in the answer once and never again.

    Raises:
        NotFoundError: no such organisation.
        InvalidInputError: no or unknown scopes, or an expiry in the past.
    """
    if access_repo.organisation(session, org_id) is None:
        raise NotFoundError(f"no organisation with id {org_id!r}")
    chosen = _scopes(scopes)
    expires_at = _aware(expires_at)
    if expires_at is not None and expires_at <= _now():
        raise InvalidInputError("expires_at is in the past")
    _prefix, key = _new_key()
    return _store_key(session, caller, org_id, chosen, expires_at, key)


def create_key_for_org(
    session: Session,
    caller: Caller,
    *,
    org_name: str,
    kind: OrgKind,
    scopes: Iterable[str],
    expires_in_days: int | None = None,
) -> views.CreatedKey:
    """``credpath keys create``: the organisation is registered on first use, then given a key.

    Raises:
        ConflictError: the organisation exists with another kind.
    """
    org = access_repo.organisation_by_name(session, org_name)
    if org is None:
        org_id = create_organisation(session, caller, name=org_name, kind=kind).id
    elif org.kind != kind:
        raise ConflictError(f"organisation {org_name!r} exists as a {org.kind}, not a {kind}")
    else:
        org_id = org.id
    expires = _now() + timedelta(days=expires_in_days) if expires_in_days else None
    return create_key(session, caller, org_id, scopes=scopes, expires_at=expires)


def list_keys(session: Session, org_id: str | None = None) -> list[views.ApiKeyView]:
    """Every key's prefix and state (never the key)."""
    return [
        views.ApiKeyView(
            prefix=key.prefix,
            org_id=org.id,
            org_name=org.name,
            scopes=[Scope(s) for s in key.scopes],
            created_at=key.created_at,
            expires_at=key.expires_at,
            revoked_at=key.revoked_at,
            last_used_at=key.last_used_at,
        )
        for key, org in access_repo.api_keys(session, org_id)
    ]


def revoke_key(session: Session, caller: Caller, prefix: str) -> None:
    """Revoke a key at once (idempotent).

    Raises:
        NotFoundError: no key with that prefix.
    """
    row = access_repo.api_key(session, prefix)
    if row is None:
        raise NotFoundError(f"no API key with prefix {prefix!r}")
    if row.revoked_at is None:
        row.revoked_at = _now()
        session.flush()
        record(session, caller, AuditAction.REVOKE, AuditEntity.KEY, prefix)


def audit_page(
    session: Session, *, entity: AuditEntity | None, entity_id: str | None, limit: int, offset: int
) -> views.AuditPage:
    """A page of the audit trail, newest first."""
    rows, total = access_repo.audit_events(session, entity=entity, entity_id=entity_id, limit=limit, offset=offset)
    items = [
        views.AuditEventView(
            at=row.at,
            actor=row.actor,
            org_id=row.org_id,
            action=AuditAction(row.action),
            entity=AuditEntity(row.entity),
            entity_id=row.entity_id,
        )
        for row in rows
    ]
    return views.AuditPage(items=items, total=total, limit=limit, offset=offset)


def audit(session: Session) -> list[views.AuditEventView]:
    """The whole audit trail, newest first (the CLI and tests)."""
    return audit_page(session, entity=None, entity_id=None, limit=1_000_000, offset=0).items


def _operator_org(session: Session) -> str:
    org = access_repo.organisation_by_name(session, OPERATOR_ORG)
    if org is not None:
        return org.id
    return create_organisation(session, CLI, name=OPERATOR_ORG, kind=OrgKind.OPERATOR).id


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)  # an existing file keeps its old mode through os.open


def ensure_admin_key(session: Session, *, value: str | None, key_file: Path) -> Path | None:
    """Make sure someone can administer the server.

    With ``value`` (``CREDPATH_BOOTSTRAP_ADMIN_KEY``): an admin key with exactly that value exists. Without
    it, when no usable key exists at all: a new admin key is created and written to ``key_file`` (mode 0600).

    Returns:
        The file the new key was written to, or None when nothing was written.

    Raises:
        InvalidInputError: a bootstrap value shorter than 32 characters.
    """
    if value is not None:
        if len(value) < MIN_BOOTSTRAP_LENGTH:
            raise InvalidInputError(f"CREDPATH_BOOTSTRAP_ADMIN_KEY must be at least {MIN_BOOTSTRAP_LENGTH} characters")
        if access_repo.key_by_hash(session, hash_key(value)) is None:
            _store_key(session, CLI, _operator_org(session), [Scope.ADMIN], None, value)
        return None
    if access_repo.count_active_keys(session, _now()) > 0:
        return None
    _prefix, key = _new_key()
    _store_key(session, CLI, _operator_org(session), [Scope.ADMIN], None, key)
    _write_private(key_file, key)
    return key_file


def bootstrap_admin_key(engine: Engine, *, value: str | None, key_file: Path) -> Path | None:
    """:func:`ensure_admin_key` in its own transaction, as a server does at start.

    Several workers or replicas starting at once on one database race to store the same key (or the
    operator organisation). On SQLite the transaction takes the write lock as it begins, so they take
    turns and the later ones find the key. On PostgreSQL the loser's insert fails on the unique
    constraint, or its check finds the key the winner just committed ("prefix collision"); either way
    it looks again and finds it. (Unhandled, that collision stopped a two-worker server at start.)
    """
    try:
        with unit_of_work(for_writes(engine)) as session:
            return ensure_admin_key(session, value=value, key_file=key_file)
    except (IntegrityError, ConflictError):
        with unit_of_work(for_writes(engine)) as session:
            return ensure_admin_key(session, value=value, key_file=key_file)
