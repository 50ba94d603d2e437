"""Browsing the credential catalogue: filtered listings and one credential with its aligned skills."""

from sqlmodel import Session

from credpath.errors import NotFoundError
from credpath.services import views
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import imports as import_repo
from credpath.storage.repositories.credentials import CredentialFilters
from credpath.storage.tables import Credential
from credpath.vocabulary import Evidence

__all__ = ["get_credential", "list_credentials"]


def _summary(c: Credential) -> views.CredentialSummary:
    return views.CredentialSummary(
        id=c.id,
        title=c.title,
        provider=c.provider,
        kind=c.kind,
        level=c.level,
        duration_hours=c.duration_hours,
        cost=c.cost,
        currency=c.currency,
        language=c.language,
        url=c.url,
        source=c.source,
    )


def list_credentials(
    session: Session,
    q: str | None,
    *,
    provider: str | None = None,
    kind: str | None = None,
    level: str | None = None,
    max_hours: float | None = None,
    source: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> views.CredentialPage:
    """Page through active credentials matching ``q`` and the structured filters (``None``: no filter)."""
    filters = CredentialFilters(provider=provider, kind=kind, level=level, max_hours=max_hours, source=source)
    page = credential_repo.search_credentials(session, q, filters, limit, offset)
    return views.CredentialPage(items=[_summary(c) for c in page.items], total=page.total, limit=limit, offset=offset)


def get_credential(session: Session, credential_id: str) -> views.CredentialDetail:
    """One credential with its aligned ESCO skills.

    Raises:
        NotFoundError: no such credential.
    """
    c = credential_repo.get_credential(session, credential_id)
    if c is None:
        raise NotFoundError(f"no credential with id {credential_id!r}")
    skills = [
        views.CredentialSkillView(
            skill_id=row.skill_id,
            label=label,
            source=Evidence(row.source),
            confidence=row.confidence,
            evidence=row.evidence,
        )
        for row, label in credential_repo.credential_skills(session, c.id)
    ]
    return views.CredentialDetail(
        id=c.id,
        title=c.title,
        provider=c.provider,
        platform=c.platform,
        kind=c.kind,
        level=c.level,
        duration_hours=c.duration_hours,
        duration_text=c.duration_text,
        cost=c.cost,
        currency=c.currency,
        language=c.language,
        url=c.url,
        description=c.description,
        subjects=c.subjects,
        skill_tags=c.skill_tags,
        programs=c.programs,
        rating=c.rating,
        review_count=c.review_count,
        enrolled=c.enrolled,
        credit_eligible=c.credit_eligible,
        source=c.source,
        canonical_key=c.canonical_key,
        active=c.active,
        updated_at=c.updated_at,
        skills=skills,
        org_id=c.org_id,
        issuer_id=c.issuer_id,
        declared_alignments=[
            views.DeclaredAlignmentView(
                target_type=a.target_type,
                target_url=a.target_url,
                target_code=a.target_code,
                target_name=a.target_name,
                target_framework=a.target_framework,
            )
            for a in import_repo.declared_alignments(session, c.id)
        ],
    )
