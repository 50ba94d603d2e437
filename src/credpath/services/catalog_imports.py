"""Importing open-standard catalogues (OB 3.0 achievements, CTDL graphs) as credentials an organisation owns.

One document is one batch: it is parsed and checked whole (the JSON path of the first problem is the
error) before anything is written, and written in the request's one transaction. Credentials are keyed
by the importing organisation and the issuer's own id, so re-importing a document changes nothing and
one organisation's import can never overwrite another's credentials.

Alignments that name an ESCO skill URI are stored as declared (confidence 1.0, evidence
``declared_by_issuer``) and served at once; O*NET and other declared alignments are kept as published.
Free-text competencies (and tags) are linked to ESCO skills during the import by the alignment scorer
the last ``credpath build-index`` fitted (:class:`credpath.alignments.CredentialAligner`: the build's own
candidates, features, threshold and calibrated confidence), reading the credential exactly as the build
would. Without built models the import still succeeds, says ``linking: pending``, and the next build
links them.

The CPU work (parsing, the encoder) runs in :func:`read_import`, before the write transaction, so other
writers never wait for it; :func:`store_import` only writes.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.alignments import CredentialAligner
from credpath.errors import DocumentError, InvalidInputError
from credpath.indexes import index_dir, index_state
from credpath.ml.encoder import CachedEncoder, Encoder
from credpath.ml.export import load_serving_encoder
from credpath.ml.index import ItemIndex, VectorIndex
from credpath.services import views
from credpath.services.access import CLI, OPERATOR_ORG, Caller, create_organisation, record
from credpath.services.resources import unit_of_work
from credpath.services.semantic import SemanticService
from credpath.standards.ctdl import read_ctdl
from credpath.standards.openbadges import read_ob3
from credpath.standards.records import AlignmentTarget, ImportedCredential, credential_row
from credpath.storage.repositories import access as access_repo
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import imports as import_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.repositories.credentials import AlignmentInput, InferredSkill
from credpath.vocabulary import (
    DECLARED_BY_ISSUER,
    AuditAction,
    AuditEntity,
    CatalogFormat,
    Evidence,
    IndexStatus,
    LinkingStatus,
    OrgKind,
    Scope,
)

__all__ = [
    "ReadImport",
    "import_catalog",
    "import_catalog_file",
    "parse_document_bytes",
    "read_document",
    "read_import",
    "read_import_bytes",
    "store_import",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadImport:
    """A document parsed and its free text linked, before the write transaction.

    ``linked`` holds, by position in ``items``, the scorer's skills for each credential it read (those
    new or changed since the scorer last read them); ``read_texts`` what it read of each (:func:`_text_key`).
    ``pending`` says why nothing was linked (no models yet), else None.
    """

    fmt: CatalogFormat
    items: list[ImportedCredential]
    linked: Mapping[int, list[InferredSkill]]
    read_texts: Mapping[int, str]
    pending: str | None = None
    org_name: str | None = None


def read_document(fmt: CatalogFormat, document: Any) -> list[ImportedCredential]:
    """Parse and validate a document in ``fmt``.

    Raises:
        DocumentError: the first problem, with its JSON path.
    """
    return read_ob3(document) if fmt == CatalogFormat.OB3 else read_ctdl(document)


def _existing_owner(session: Session, caller: Caller, org_name: str | None) -> str | None:
    if caller.org_id is not None:
        return caller.org_id
    org = access_repo.organisation_by_name(session, org_name or OPERATOR_ORG)
    return org.id if org is not None else None


def _owner(session: Session, caller: Caller, org_name: str | None) -> str:
    found = _existing_owner(session, caller, org_name)
    if found is not None:
        return found
    # The command line (no key) imports as the organisation it names (an issuer, registered on first use),
    # else as the operator organisation.
    kind = OrgKind.ISSUER if org_name else OrgKind.OPERATOR
    return create_organisation(session, caller, name=org_name or OPERATOR_ORG, kind=kind).id


def _check_esco(session: Session, items: list[ImportedCredential]) -> None:
    wanted = [a for item in items for a in item.alignments if a.target_type == AlignmentTarget.ESCO_SKILL]
    known = skill_repo.existing_skill_ids(session, sorted({a.target_url or "" for a in wanted}))
    unknown = next((a for a in wanted if a.target_url not in known), None)
    if unknown is not None:
        raise DocumentError(unknown.url_path, f"{unknown.target_url} is not an ESCO skill credpath has loaded")


def _alignment_input(row: Mapping[str, Any]) -> AlignmentInput:
    """What the build's alignment pass would read of this row once stored."""
    return AlignmentInput(
        id=row["id"],
        title=row["title"],
        skill_tags=list(row["skill_tags"]),
        description=row["description"],
        content_hash=row["content_hash"],
        hours=row["duration_hours"],
    )


def _text_key(row: Mapping[str, Any]) -> str:
    """What the scorer reads of a row (:func:`_alignment_input`), whichever organisation owns it."""
    read = (row["title"], list(row["skill_tags"]), row["description"], row["duration_hours"])
    return hashlib.sha256(repr(read).encode()).hexdigest()


_NO_SCORER = "no alignment scorer is fitted yet: the next `credpath build-index` links the free-text competencies"


def read_import(
    engine: Engine,
    semantic: SemanticService | None,
    caller: Caller,
    fmt: CatalogFormat,
    document: Any,
    *,
    models_dir: Path | None = None,
    org_name: str | None = None,
) -> ReadImport:
    """Everything before the write transaction: scope, parsing and validation, and linking the free text.

    Args:
        engine: the database (read in a short read-only session: what is stored, the skill facts).
        semantic: the serving semantic service (its encoder and skills index), or None to leave linking pending.
        caller: who imports.
        fmt: the document's standard.
        document: the parsed JSON.
        models_dir: where the build saved the alignment scorer.
        org_name: the organisation a caller without one (the command line) imports as.

    Raises:
        PermissionDeniedError: the key lacks ``catalog:write``.
        DocumentError: the document is invalid (the first problem's JSON path).
    """
    caller.require(Scope.CATALOG_WRITE)
    items = read_document(fmt, document)
    index = semantic.indexes.get("skills") if semantic is not None else None
    if semantic is None or index is None or models_dir is None:
        state = semantic.states.get("skills", IndexStatus.ABSENT) if semantic is not None else IndexStatus.ABSENT
        pending = f"the skills index is {state}: the next `credpath build-index` links the free-text competencies"
        return ReadImport(fmt=fmt, items=items, linked={}, read_texts={}, pending=pending, org_name=org_name)
    return _link(engine, semantic.encoder, index, models_dir, caller, fmt, items, org_name)


def read_import_bytes(
    engine: Engine,
    semantic: SemanticService | None,
    caller: Caller,
    fmt: CatalogFormat,
    content: bytes,
    *,
    models_dir: Path | None = None,
) -> ReadImport:
    """:func:`read_import` of an uploaded file's bytes (UTF-8 JSON).

    Raises:
        PermissionDeniedError: the key lacks ``catalog:write``.
        InvalidInputError: the file is not UTF-8 JSON (the line and column say where).
        DocumentError: the document is invalid (its JSON path says where).
    """
    caller.require(Scope.CATALOG_WRITE)
    document = parse_document_bytes(content, "the uploaded file")
    return read_import(engine, semantic, caller, fmt, document, models_dir=models_dir)


def _link(
    engine: Engine,
    encoder: Encoder,
    index: ItemIndex,
    models_dir: Path,
    caller: Caller,
    fmt: CatalogFormat,
    items: list[ImportedCredential],
    org_name: str | None,
) -> ReadImport:
    with Session(engine) as session:
        owner = _existing_owner(session, caller, org_name)
        rows = [credential_row(item, fmt=fmt.value, org_id=owner or "") for item in items]
        stored = import_repo.import_states(session, [row["id"] for row in rows]) if owner else {}
        # Only what the scorer has not read yet: a re-import of an unchanged, linked document encodes nothing.
        wanted = {i: row for i, row in enumerate(rows) if stored.get(row["id"], ("", None))[1] != row["content_hash"]}
        aligner = CredentialAligner.load(session, encoder, index, models_dir) if wanted else None
        session.rollback()
    if wanted and aligner is None:
        return ReadImport(fmt=fmt, items=items, linked={}, read_texts={}, pending=_NO_SCORER, org_name=org_name)
    found = aligner.align([_alignment_input({**row, "id": str(i)}) for i, row in wanted.items()]) if aligner else {}
    return ReadImport(
        fmt=fmt,
        items=items,
        linked={i: list(found.get(str(i), [])) for i in wanted},
        read_texts={i: _text_key(row) for i, row in wanted.items()},
        org_name=org_name,
    )


def _skill_views(session: Session, credential_id: str) -> list[views.ImportedSkillView]:
    return [
        views.ImportedSkillView(
            skill_id=row.skill_id,
            label=label,
            source=Evidence(row.source),
            confidence=row.confidence,
            evidence=row.evidence,
        )
        for row, label in credential_repo.credential_skills(session, credential_id)
    ]


def _item_view(
    session: Session, item: ImportedCredential, row: dict[str, Any], status: str, linked: bool
) -> views.ImportedCredentialView:
    return views.ImportedCredentialView(
        id=row["id"],
        key=item.key,
        title=item.title,
        status=status,
        cost=item.cost,
        currency=item.currency,
        duration_hours=item.duration_hours,
        declared_skills=[a.target_url or "" for a in item.alignments if a.target_type == AlignmentTarget.ESCO_SKILL],
        competencies=list(item.competencies),
        alignments=[
            views.DeclaredAlignmentView(
                target_type=a.target_type,
                target_url=a.target_url,
                target_code=a.target_code,
                target_name=a.target_name,
                target_framework=a.target_framework,
            )
            for a in item.alignments
        ],
        linking=LinkingStatus.LINKED if linked else LinkingStatus.PENDING,
        skills=_skill_views(session, row["id"]),
    )


def _declared_rows(item: ImportedCredential, credential_id: str) -> list[dict[str, Any]]:
    skills = dict.fromkeys(a.target_url for a in item.alignments if a.target_type == AlignmentTarget.ESCO_SKILL)
    return [
        {
            "credential_id": credential_id,
            "skill_id": skill,
            "source": Evidence.DECLARED.value,
            "confidence": 1.0,
            "evidence": DECLARED_BY_ISSUER,
        }
        for skill in skills
        if skill
    ]


def _alignment_rows(item: ImportedCredential, credential_id: str) -> list[dict[str, Any]]:
    return [
        {
            "credential_id": credential_id,
            "position": position,
            "target_type": a.target_type,
            "target_url": a.target_url,
            "target_code": a.target_code,
            "target_name": a.target_name,
            "target_framework": a.target_framework,
        }
        for position, a in enumerate(item.alignments)
    ]


def store_import(session: Session, caller: Caller, read: ReadImport) -> views.CatalogImport:
    """Write a read document for the caller's organisation, all or nothing, with the skills linked beforehand.

    Raises:
        PermissionDeniedError: the key lacks ``catalog:write``.
        DocumentError: the document aligns to an ESCO skill that is not loaded.
    """
    caller.require(Scope.CATALOG_WRITE)
    items = read.items
    _check_esco(session, items)
    org_id = _owner(session, caller, read.org_name)
    now = datetime.now(UTC)
    rows = [credential_row(item, fmt=read.fmt.value, org_id=org_id) for item in items]
    stored = import_repo.import_states(session, [row["id"] for row in rows])
    statuses: list[str] = []
    changed: list[dict[str, Any]] = []
    alignments: dict[str, list[dict[str, Any]]] = {}
    declared: dict[str, list[dict[str, Any]]] = {}
    for item, row in zip(items, rows, strict=True):
        previous = stored.get(row["id"], (None, None))[0]
        status = "unchanged" if previous == row["content_hash"] else ("updated" if previous else "created")
        statuses.append(status)
        if status == "unchanged":
            continue
        changed.append({**row, "updated_at": now})
        alignments[row["id"]] = _alignment_rows(item, row["id"])
        declared[row["id"]] = _declared_rows(item, row["id"])
    import_repo.write_imported(session, changed, alignments, declared, set(stored))
    # The scorer's skills for each credential whose very text it read (a concurrent edit leaves it pending).
    inferred = {
        rows[i]["id"]: skills for i, skills in read.linked.items() if read.read_texts.get(i) == _text_key(rows[i])
    }
    if inferred:
        hashes = {row["id"]: row["content_hash"] for row in rows}
        credential_repo.replace_inferred_skills(
            session, inferred, {credential: hashes[credential] for credential in inferred}
        )
    for row in changed:
        action = AuditAction.UPDATE if row["id"] in stored else AuditAction.CREATE
        record(session, caller, action, AuditEntity.CREDENTIAL, row["id"])
    now_stored = import_repo.import_states(session, [row["id"] for row in rows])
    linked = {credential for credential, (digest, aligned) in now_stored.items() if aligned == digest}
    out = [
        _item_view(session, item, row, status, row["id"] in linked)
        for item, row, status in zip(items, rows, statuses, strict=True)
    ]
    counts = {status: statuses.count(status) for status in ("created", "updated", "unchanged")}
    pending = [view for view in out if view.linking == LinkingStatus.PENDING]
    return views.CatalogImport(
        format=read.fmt,
        org_id=org_id,
        linking=LinkingStatus.PENDING if pending else LinkingStatus.LINKED,
        linking_detail=(read.pending or "changed while it was being linked; the next `credpath build-index` links it")
        if pending
        else None,
        credentials=out,
        **counts,
    )


def import_catalog(
    session: Session, caller: Caller, fmt: CatalogFormat, document: Any, *, org_name: str | None = None
) -> views.CatalogImport:
    """Parse and store a document in one go, without linking (its free text stays ``pending``).

    ``org_name`` is read only for a caller without an organisation (the command line).

    Raises:
        PermissionDeniedError: the key lacks ``catalog:write``.
        DocumentError: the document is invalid (the first problem's JSON path), or it aligns to an ESCO
            skill that is not loaded.
    """
    caller.require(Scope.CATALOG_WRITE)
    items = read_document(fmt, document)
    read = ReadImport(fmt=fmt, items=items, linked={}, read_texts={}, pending=_NO_SCORER, org_name=org_name)
    return store_import(session, caller, read)


def parse_document_bytes(content: bytes, name: str) -> Any:
    """The JSON document in ``content`` (UTF-8).

    Raises:
        InvalidInputError: not UTF-8, not JSON (the line and column say where), or nested too deeply.
    """
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InvalidInputError(f"{name}: not UTF-8 text ({error.reason})") from error
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"{name}, line {error.lineno} column {error.colno}: not JSON ({error.msg})") from error
    except RecursionError as error:
        raise InvalidInputError(f"{name}: nested too deeply") from error


def import_catalog_file(
    engine: Engine, path: Path, fmt: CatalogFormat, *, org_name: str | None, models_dir: Path | None = None
) -> views.CatalogImport:
    """``credpath ingest catalog FILE --format ob3|ctdl``: one file, one transaction, as the command line.

    With ``models_dir`` holding a build (skills index, encoder, alignment scorer) the free text is linked
    first, outside the transaction; otherwise it is left ``pending`` for the next build.

    Raises:
        InvalidInputError: the file is not UTF-8 JSON (the line and column say where).
        DocumentError: the document is invalid (its JSON path says where).
    """
    document = parse_document_bytes(path.read_bytes(), str(path))
    caller = CLI
    items = read_document(fmt, document)
    ready = False
    if models_dir is not None:
        with Session(engine) as session:
            ready = index_state(session, models_dir, "skills") == IndexStatus.READY
    if models_dir is not None and ready:
        skills = VectorIndex.load(index_dir(models_dir, "skills"))
        encoder = CachedEncoder(load_serving_encoder(models_dir))
        read = _link(engine, encoder, skills, models_dir, caller, fmt, items, org_name)
    else:
        pending = "the skills index is not built: the next `credpath build-index` links the free-text competencies"
        read = ReadImport(fmt=fmt, items=items, linked={}, read_texts={}, pending=pending, org_name=org_name)
    with unit_of_work(engine) as session:
        return store_import(session, caller, read)
