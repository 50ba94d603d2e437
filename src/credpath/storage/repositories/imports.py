"""Credentials imported from open-standard catalogues (OB 3.0, CTDL): their rows, declared alignments and skills."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session, col

from credpath.storage.tables import Credential, CredentialAlignment, CredentialSkill
from credpath.vocabulary import Evidence

__all__ = ["credential_by_key", "declared_alignments", "import_states", "write_imported"]


def import_states(session: Session, credential_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """The stored content hash and aligned hash (what the alignment scorer last read) of each that exists."""
    if not credential_ids:
        return {}
    query = select(col(Credential.id), col(Credential.content_hash), col(Credential.aligned_hash)).where(
        col(Credential.id).in_(list(credential_ids))
    )
    return {str(credential): (str(digest), aligned) for credential, digest, aligned in session.execute(query)}


def write_imported(
    session: Session,
    rows: Sequence[Mapping[str, Any]],
    alignments: Mapping[str, Sequence[Mapping[str, Any]]],
    declared: Mapping[str, Sequence[Mapping[str, Any]]],
    existing: set[str],
) -> None:
    """Insert or update these credentials and replace their declared alignments and declared skills.

    Inferred skills of an updated credential stay until the next alignment pass re-infers them (its content
    hash changed); declared ones are replaced here, exactly as the issuer now declares them.
    """
    ids = [row["id"] for row in rows]
    for row in rows:
        if row["id"] in existing:
            values = {key: value for key, value in row.items() if key != "id"}
            session.execute(update(Credential).where(col(Credential.id) == row["id"]).values(**values))
        else:
            session.add(Credential(**row))
    session.flush()
    if not ids:
        return
    session.execute(delete(CredentialAlignment).where(col(CredentialAlignment.credential_id).in_(ids)))
    session.execute(
        delete(CredentialSkill).where(
            col(CredentialSkill.credential_id).in_(ids), col(CredentialSkill.source) == Evidence.DECLARED
        )
    )
    alignment_rows = [row for credential in ids for row in alignments.get(credential, ())]
    if alignment_rows:
        session.execute(insert(CredentialAlignment), alignment_rows)
    skill_rows = [row for credential in ids for row in declared.get(credential, ())]
    if skill_rows:
        # A declared skill outranks an inferred one for the same pair: drop the inferred row first.
        for row in skill_rows:
            session.execute(
                delete(CredentialSkill).where(
                    col(CredentialSkill.credential_id) == row["credential_id"],
                    col(CredentialSkill.skill_id) == row["skill_id"],
                )
            )
        session.execute(insert(CredentialSkill), skill_rows)
    session.flush()


def declared_alignments(session: Session, credential_id: str) -> list[CredentialAlignment]:
    """A credential's declared alignments, in the order the issuer listed them."""
    query = (
        select(CredentialAlignment)
        .where(col(CredentialAlignment.credential_id) == credential_id)
        .order_by(col(CredentialAlignment.position))
    )
    return list(session.scalars(query))


def credential_by_key(session: Session, key: str, issuer: str | None) -> Credential | None:
    """The active imported credential whose issuer key is ``key`` (the issuer's own first, when several have it)."""
    query = select(Credential).where(col(Credential.source_key) == key, col(Credential.active))
    found = list(session.scalars(query.order_by(col(Credential.id))))
    if not found:
        return None
    return next((c for c in found if issuer is not None and c.issuer_id == issuer), found[0])
