"""Importing open-standard catalogues (OB 3.0 achievements, CTDL graphs) as credentials an organisation owns.

One document is one batch: it is parsed and checked whole (the JSON path of the first problem is the
error) before anything is written, and written in the request's one transaction. Credentials are keyed
by the importing organisation and the issuer's own id, so re-importing a document changes nothing and
one organisation's import can never overwrite another's credentials.

Alignments that name an ESCO skill URI are stored as declared (confidence 1.0, evidence
``declared_by_issuer``) and served at once; O*NET and other declared alignments are kept as published;
free-text competencies become the credential's tags, which the alignment pass (``credpath build-index``)
links to ESCO skills with its calibrated confidence, as it does for every catalogue.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.errors import DocumentError, InvalidInputError
from credpath.services import views
from credpath.services.access import CLI, OPERATOR_ORG, Caller, create_organisation, record
from credpath.services.resources import unit_of_work
from credpath.standards.ctdl import read_ctdl
from credpath.standards.openbadges import read_ob3
from credpath.standards.records import AlignmentTarget, ImportedCredential, credential_row
from credpath.storage.repositories import access as access_repo
from credpath.storage.repositories import imports as import_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.vocabulary import DECLARED_BY_ISSUER, AuditAction, AuditEntity, CatalogFormat, Evidence, OrgKind, Scope

__all__ = ["import_catalog", "import_catalog_bytes", "import_catalog_file", "read_document"]


def read_document(fmt: CatalogFormat, document: Any) -> list[ImportedCredential]:
    """Parse and validate a document in ``fmt``.

    Raises:
        DocumentError: the first problem, with its JSON path.
    """
    return read_ob3(document) if fmt == CatalogFormat.OB3 else read_ctdl(document)


def _owner(session: Session, caller: Caller, org_name: str | None) -> str:
    if caller.org_id is not None:
        return caller.org_id
    # The command line (no key) imports as the organisation it names (an issuer, registered on first use),
    # else as the operator organisation.
    name = org_name or OPERATOR_ORG
    org = access_repo.organisation_by_name(session, name)
    if org is not None:
        return org.id
    kind = OrgKind.ISSUER if org_name else OrgKind.OPERATOR
    return create_organisation(session, caller, name=name, kind=kind).id


def _check_esco(session: Session, items: list[ImportedCredential]) -> None:
    wanted = [a for item in items for a in item.alignments if a.target_type == AlignmentTarget.ESCO_SKILL]
    known = skill_repo.existing_skill_ids(session, sorted({a.target_url or "" for a in wanted}))
    unknown = next((a for a in wanted if a.target_url not in known), None)
    if unknown is not None:
        raise DocumentError(unknown.url_path, f"{unknown.target_url} is not an ESCO skill credpath has loaded")


def _item_view(item: ImportedCredential, row: dict[str, Any], status: str) -> views.ImportedCredentialView:
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
    )


def import_catalog(
    session: Session, caller: Caller, fmt: CatalogFormat, document: Any, *, org_name: str | None = None
) -> views.CatalogImport:
    """Import every credential of one document for the caller's organisation, all or nothing.

    ``org_name`` is read only for a caller without an organisation (the command line).

    Raises:
        PermissionDeniedError: the key lacks ``catalog:write``.
        DocumentError: the document is invalid (the first problem's JSON path), or it aligns to an ESCO
            skill that is not loaded.
    """
    caller.require(Scope.CATALOG_WRITE)
    items = read_document(fmt, document)
    _check_esco(session, items)
    org_id = _owner(session, caller, org_name)
    now = datetime.now(UTC)
    rows = [credential_row(item, fmt=fmt.value, org_id=org_id) for item in items]
    stored = import_repo.import_hashes(session, [row["id"] for row in rows])
    changed: list[dict[str, Any]] = []
    alignments: dict[str, list[dict[str, Any]]] = {}
    declared: dict[str, list[dict[str, Any]]] = {}
    out: list[views.ImportedCredentialView] = []
    for item, row in zip(items, rows, strict=True):
        previous = stored.get(row["id"])
        status = "unchanged" if previous == row["content_hash"] else ("updated" if previous else "created")
        out.append(_item_view(item, row, status))
        if status == "unchanged":
            continue
        changed.append({**row, "updated_at": now})
        alignments[row["id"]] = [
            {
                "credential_id": row["id"],
                "position": position,
                "target_type": a.target_type,
                "target_url": a.target_url,
                "target_code": a.target_code,
                "target_name": a.target_name,
                "target_framework": a.target_framework,
            }
            for position, a in enumerate(item.alignments)
        ]
        skills = dict.fromkeys(a.target_url for a in item.alignments if a.target_type == AlignmentTarget.ESCO_SKILL)
        declared[row["id"]] = [
            {
                "credential_id": row["id"],
                "skill_id": skill,
                "source": Evidence.DECLARED.value,
                "confidence": 1.0,
                "evidence": DECLARED_BY_ISSUER,
            }
            for skill in skills
            if skill
        ]
    import_repo.write_imported(session, changed, alignments, declared, set(stored))
    for row in changed:
        action = AuditAction.UPDATE if row["id"] in stored else AuditAction.CREATE
        record(session, caller, action, AuditEntity.CREDENTIAL, row["id"])
    counts = {status: sum(1 for view in out if view.status == status) for status in ("created", "updated", "unchanged")}
    return views.CatalogImport(format=fmt, org_id=org_id, credentials=out, **counts)


def _parse(content: bytes, name: str) -> Any:
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InvalidInputError(f"{name}: not UTF-8 text ({error.reason})") from error
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"{name}, line {error.lineno} column {error.colno}: not JSON ({error.msg})") from error
    except RecursionError as error:
        raise InvalidInputError(f"{name}: nested too deeply") from error


def import_catalog_bytes(session: Session, caller: Caller, fmt: CatalogFormat, content: bytes) -> views.CatalogImport:
    """:func:`import_catalog` of an uploaded file's bytes (UTF-8 JSON).

    Raises:
        InvalidInputError: the file is not UTF-8 JSON (the line and column say where).
        DocumentError: the document is invalid (its JSON path says where).
    """
    return import_catalog(session, caller, fmt, _parse(content, "the uploaded file"))


def import_catalog_file(engine: Engine, path: Path, fmt: CatalogFormat, *, org_name: str | None) -> views.CatalogImport:
    """``credpath ingest catalog FILE --format ob3|ctdl``: one file, one transaction, as the command line.

    Raises:
        InvalidInputError: the file is not UTF-8 JSON (the line and column say where).
        DocumentError: the document is invalid (its JSON path says where).
    """
    document = _parse(path.read_bytes(), str(path))
    with unit_of_work(engine) as session:
        return import_catalog(session, CLI, fmt, document, org_name=org_name)
