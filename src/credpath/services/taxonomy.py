"""Browsing the taxonomy and the credential catalogue: skills, occupations, credentials, health."""

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.errors import NotFoundError
from credpath.services import views
from credpath.services.indexing import INDEX_NAMES, index_state
from credpath.storage import repositories as repo
from credpath.storage.db import ping
from credpath.storage.tables import Credential, Occupation, Skill

__all__ = [
    "ESCO_OCCUPATION_PREFIX",
    "ESCO_SKILL_PREFIX",
    "esco_profile",
    "expand_id",
    "get_credential",
    "get_occupation",
    "get_skill",
    "health",
    "list_credentials",
    "list_occupations",
    "list_skills",
]

ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
ESCO_OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"


def expand_id(identifier: str, prefix: str) -> str:
    """Accept a full ESCO URI or just its UUID tail (shorter, and needs no URL-encoding)."""
    identifier = identifier.strip().lstrip("/")
    if identifier.startswith(("http://", "https://")):
        return identifier
    # Some clients collapse the double slash of an un-encoded URI in a path ("http:/data...").
    if identifier.startswith(("http:/", "https:/")):
        scheme, rest = identifier.split(":/", 1)
        return f"{scheme}://{rest}"
    return prefix + identifier if _looks_like_uuid(identifier) else identifier


def _looks_like_uuid(text: str) -> bool:
    parts = text.split("-")
    return len(parts) == 5 and all(part.isalnum() for part in parts)


def list_skills(session: Session, q: str | None, limit: int, offset: int) -> views.SkillPage:
    """Page through ESCO skills matching ``q`` lexically (every word must appear in a label)."""
    page = repo.search_skills(session, q, limit, offset)
    items = [
        views.SkillSummary(s.id, s.preferred_label, s.skill_type, s.reuse_level, s.description) for s in page.items
    ]
    return views.SkillPage(items=items, total=page.total, limit=limit, offset=offset)


def get_skill(session: Session, skill_id: str) -> views.SkillDetail:
    """One ESCO skill with its hierarchy neighbours and related skills.

    Raises:
        NotFoundError: no such skill.
    """
    skill_id = expand_id(skill_id, ESCO_SKILL_PREFIX)
    skill = repo.get_skill(session, skill_id)
    if skill is None:
        raise NotFoundError(f"no ESCO skill with id {skill_id!r}")
    return views.SkillDetail(
        id=skill.id,
        label=skill.preferred_label,
        alt_labels=skill.alt_labels,
        description=skill.description,
        definition=skill.definition,
        scope_note=skill.scope_note,
        skill_type=skill.skill_type,
        reuse_level=skill.reuse_level,
        collections=skill.collections,
        broader=[views.ConceptRef(*item) for item in repo.skill_broader(session, skill.id)],
        narrower=[views.ConceptRef(*item) for item in repo.skill_narrower(session, skill.id)],
        related=[views.RelatedSkill(*item) for item in repo.skill_relations(session, skill.id)],
        occupation_count=repo.skill_occupation_count(session, skill.id),
    )


def list_occupations(
    session: Session, q: str | None, taxonomy: str | None, limit: int, offset: int
) -> views.OccupationPage:
    """Page through occupations (ESCO, O*NET or both) matching ``q`` lexically."""
    page = repo.search_occupations(session, q, taxonomy, limit, offset)
    items = [
        views.OccupationSummary(o.id, o.taxonomy, o.preferred_label, o.code, o.isco_group, o.description)
        for o in page.items
    ]
    return views.OccupationPage(items=items, total=page.total, limit=limit, offset=offset)


def _crosswalk_links(session: Session, occupation: Occupation) -> list[views.CrosswalkLink]:
    if occupation.taxonomy == "onet":
        return [
            views.CrosswalkLink(row.esco_occupation_id, label, "esco", row.confidence, row.resolution)
            for row, label in repo.crosswalk_for_onet(session, occupation.id)
        ]
    row = repo.crosswalk_for_esco(session, occupation.id)
    if row is None or row.onet_occupation_id is None:
        return []
    target = repo.get_occupation(session, row.onet_occupation_id)
    label = target.preferred_label if target is not None else row.onet_title
    return [views.CrosswalkLink(row.onet_occupation_id, label, "onet", row.confidence, row.resolution)]


def get_occupation(session: Session, occupation_id: str) -> views.OccupationDetail:
    """One occupation with its skill profile: ESCO essential/optional skills, O*NET ratings and technologies.

    Raises:
        NotFoundError: no such occupation.
    """
    occupation_id = expand_id(occupation_id, ESCO_OCCUPATION_PREFIX)
    occupation = repo.get_occupation(session, occupation_id)
    if occupation is None:
        raise NotFoundError(f"no occupation with id {occupation_id!r} (ESCO URI or O*NET-SOC code)")
    essential: list[views.OccupationSkillEntry] = []
    optional: list[views.OccupationSkillEntry] = []
    for skill, relation in repo.occupation_esco_skills(session, occupation.id):
        entry = views.OccupationSkillEntry(skill.id, skill.preferred_label, skill.skill_type, relation)
        (essential if relation == "essential" else optional).append(entry)
    ratings = [
        views.OnetRating(e.id, e.name, e.domain, r.importance, r.level, r.not_relevant)
        for e, r in repo.occupation_onet_ratings(session, occupation.id)
    ]
    technology = [
        views.TechnologySkillView(t.example, t.commodity_title, t.hot_technology, t.in_demand)
        for t in repo.occupation_technology(session, occupation.id)
    ]
    return views.OccupationDetail(
        id=occupation.id,
        taxonomy=occupation.taxonomy,
        label=occupation.preferred_label,
        alt_labels=occupation.alt_labels,
        description=occupation.description,
        code=occupation.code,
        isco_group=occupation.isco_group,
        job_zone=occupation.job_zone,
        broader=[row.broader_id for row in repo.occupation_broader(session, occupation.id)],
        essential_skills=essential,
        optional_skills=optional,
        onet_ratings=ratings,
        technology_skills=technology,
        crosswalk=_crosswalk_links(session, occupation),
        esco_profile=esco_profile(session, occupation.id) if occupation.taxonomy == "onet" else None,
    )


def esco_profile(session: Session, onet_id: str) -> views.EscoProfile | None:
    """Borrow ESCO skills for an O*NET occupation from its linked ESCO occupations.

    A skill is essential when at least half of the linked occupations list it as essential; every
    skill carries the share of linked occupations that list it at all.
    """
    links = repo.occupation_links(session, onet_id)
    if not links:
        return None
    relations = repo.esco_skill_relations(session, [link.esco_id for link, _ in links])
    listed: dict[str, int] = {}
    essential: dict[str, int] = {}
    labels: dict[str, str] = {}
    for _occupation, skill, relation, label in relations:
        listed[skill] = listed.get(skill, 0) + 1
        essential[skill] = essential.get(skill, 0) + (relation == "essential")
        labels[skill] = label or ""
    total = len(links)
    entries = sorted(listed, key=lambda skill: (-listed[skill], labels[skill]))
    skills = [
        views.ProfileSkill(
            skill,
            labels[skill],
            "essential" if essential[skill] * 2 >= total else "optional",
            round(listed[skill] / total, 3),
        )
        for skill in entries
    ]
    return views.EscoProfile(
        via=[views.ProfileLink(link.esco_id, label, link.method, link.score) for link, label in links],
        essential_skills=[s for s in skills if s.relation_type == "essential"],
        optional_skills=[s for s in skills if s.relation_type == "optional"],
    )


def _credential_summary(c: Credential) -> views.CredentialSummary:
    return views.CredentialSummary(
        c.id, c.title, c.provider, c.kind, c.level, c.duration_hours, c.cost, c.currency, c.language, c.url, c.source
    )


def list_credentials(
    session: Session, q: str | None, filters: repo.CredentialFilters, limit: int, offset: int
) -> views.CredentialPage:
    """Page through active credentials matching ``q`` and the filters."""
    page = repo.search_credentials(session, q, filters, limit, offset)
    return views.CredentialPage(
        items=[_credential_summary(c) for c in page.items], total=page.total, limit=limit, offset=offset
    )


def get_credential(session: Session, credential_id: str) -> views.CredentialDetail:
    """One credential with its aligned ESCO skills.

    Raises:
        NotFoundError: no such credential.
    """
    c = repo.get_credential(session, credential_id)
    if c is None:
        raise NotFoundError(f"no credential with id {credential_id!r}")
    skills = [
        views.CredentialSkillView(row.skill_id, label, row.source, row.confidence, row.evidence)
        for row, label in repo.credential_skills(session, c.id)
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
    )


def _index_state(session: Session, models_dir: Path, encoder: str | None) -> views.IndexState:
    """Live state of each index: compared with the database now, not only at start-up."""
    states = {name: index_state(session, models_dir, name) for name in INDEX_NAMES}
    values = set(states.values())
    state = "ready" if values == {"ready"} else ("stale" if "stale" in values else "absent")
    detail = ", ".join(f"{name}: {value}" for name, value in sorted(states.items()))
    if state != "ready":
        detail += "; run `credpath build-index` and restart (make run does both)"
    return views.IndexState(state, detail, states, encoder)


def health(engine: Engine, models_dir: Path, encoder: str | None = None) -> views.Health:
    """Database reachability, what data is loaded, and the index state."""
    if not ping(engine):
        return views.Health("unavailable", False, False, {}, [], views.IndexState("unknown", "database unreachable"))
    with Session(engine) as session:
        index = _index_state(session, models_dir, encoder)
        counts = {
            "skills": repo.count_rows(session, Skill),
            "occupations": repo.count_rows(session, Occupation),
            "credentials": repo.count_rows(session, Credential),
        }
        datasets = [
            views.DatasetState(d.name, d.version, d.loaded_at, d.content_hash) for d in repo.list_datasets(session)
        ]
    loaded = counts["skills"] > 0 and counts["occupations"] > 0
    return views.Health("ok" if loaded else "degraded", True, loaded, counts, datasets, index)
