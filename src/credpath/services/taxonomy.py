"""Browsing the taxonomies: ESCO skills, ESCO and O*NET occupations, and the ESCO profile of an O*NET role."""

from sqlmodel import Session

from credpath.errors import NotFoundError
from credpath.services import views
from credpath.services.taxonomy_snapshot import taxonomy_snapshot
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.tables import Occupation
from credpath.vocabulary import (
    ESCO_OCCUPATION_PREFIX,
    ESCO_SKILL_PREFIX,
    RelationType,
    Taxonomy,
    expand_esco_id,
)

__all__ = ["esco_profile", "get_occupation", "get_skill", "list_occupations", "list_skills"]


def list_skills(session: Session, q: str | None, limit: int, offset: int) -> views.SkillPage:
    """Page through ESCO skills matching ``q`` lexically (every word must appear in a label)."""
    page = skill_repo.search_skills(session, q, limit, offset)
    items = [
        views.SkillSummary(
            id=s.id,
            label=s.preferred_label,
            skill_type=s.skill_type,
            reuse_level=s.reuse_level,
            description=s.description,
        )
        for s in page.items
    ]
    return views.SkillPage(items=items, total=page.total, limit=limit, offset=offset)


def get_skill(session: Session, skill_id: str) -> views.SkillDetail:
    """One ESCO skill with its hierarchy neighbours and related skills.

    Raises:
        NotFoundError: no such skill.
    """
    skill_id = expand_esco_id(skill_id, ESCO_SKILL_PREFIX)
    skill = skill_repo.get_skill(session, skill_id)
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
        broader=[
            views.ConceptRef(id=n.id, label=n.label, kind=n.kind) for n in skill_repo.skill_broader(session, skill.id)
        ],
        narrower=[
            views.ConceptRef(id=n.id, label=n.label, kind=n.kind) for n in skill_repo.skill_narrower(session, skill.id)
        ],
        related=[
            views.RelatedSkill(
                id=r.id, label=r.label, relation_type=RelationType(r.relation_type), direction=r.direction
            )
            for r in skill_repo.skill_relations(session, skill.id)
        ],
        occupation_count=skill_repo.skill_occupation_count(session, skill.id),
    )


def list_occupations(
    session: Session, q: str | None, taxonomy: str | None, limit: int, offset: int
) -> views.OccupationPage:
    """Page through occupations (ESCO, O*NET or both) matching ``q`` lexically."""
    page = occupation_repo.search_occupations(session, q, taxonomy, limit, offset)
    items = [
        views.OccupationSummary(
            id=o.id,
            taxonomy=Taxonomy(o.taxonomy),
            label=o.preferred_label,
            code=o.code,
            isco_group=o.isco_group,
            description=o.description,
        )
        for o in page.items
    ]
    return views.OccupationPage(items=items, total=page.total, limit=limit, offset=offset)


def _crosswalk_links(session: Session, occupation: Occupation) -> list[views.CrosswalkLink]:
    if occupation.taxonomy == Taxonomy.ONET:
        return [
            views.CrosswalkLink(
                occupation_id=row.esco_occupation_id,
                label=label,
                taxonomy=Taxonomy.ESCO,
                confidence=row.confidence,
                resolution=row.resolution,
            )
            for row, label in occupation_repo.crosswalk_for_onet(session, occupation.id)
        ]
    row = occupation_repo.crosswalk_for_esco(session, occupation.id)
    if row is None or row.onet_occupation_id is None:
        return []
    target = occupation_repo.get_occupation(session, row.onet_occupation_id)
    label = target.preferred_label if target is not None else row.onet_title
    return [
        views.CrosswalkLink(
            occupation_id=row.onet_occupation_id,
            label=label,
            taxonomy=Taxonomy.ONET,
            confidence=row.confidence,
            resolution=row.resolution,
        )
    ]


def get_occupation(session: Session, occupation_id: str) -> views.OccupationDetail:
    """One occupation with its skill profile: ESCO essential/optional skills, O*NET ratings and technologies.

    Raises:
        NotFoundError: no such occupation.
    """
    occupation_id = expand_esco_id(occupation_id, ESCO_OCCUPATION_PREFIX)
    # The same occupations are asked for again and again, and only an ingest changes them.
    return taxonomy_snapshot(session).memo(
        ("occupation_detail", occupation_id), lambda: _occupation_detail(session, occupation_id)
    )


def _occupation_detail(session: Session, occupation_id: str) -> views.OccupationDetail:
    occupation = occupation_repo.get_occupation(session, occupation_id)
    if occupation is None:
        raise NotFoundError(f"no occupation with id {occupation_id!r} (ESCO URI or O*NET-SOC code)")
    essential: list[views.OccupationSkillEntry] = []
    optional: list[views.OccupationSkillEntry] = []
    for skill, relation in occupation_repo.occupation_esco_skills(session, occupation.id):
        entry = views.OccupationSkillEntry(
            skill_id=skill.id,
            label=skill.preferred_label,
            skill_type=skill.skill_type,
            relation_type=RelationType(relation),
        )
        (essential if relation == RelationType.ESSENTIAL else optional).append(entry)
    ratings = [
        views.OnetRating(
            element_id=e.id,
            name=e.name,
            domain=e.domain,
            importance=r.importance,
            level=r.level,
            not_relevant=r.not_relevant,
        )
        for e, r in occupation_repo.occupation_onet_ratings(session, occupation.id)
    ]
    technology = [
        views.TechnologySkillView(
            example=t.example, commodity_title=t.commodity_title, hot_technology=t.hot_technology, in_demand=t.in_demand
        )
        for t in occupation_repo.occupation_technology(session, occupation.id)
    ]
    onet = occupation.taxonomy == Taxonomy.ONET
    return views.OccupationDetail(
        id=occupation.id,
        taxonomy=Taxonomy(occupation.taxonomy),
        label=occupation.preferred_label,
        alt_labels=occupation.alt_labels,
        description=occupation.description,
        code=occupation.code,
        isco_group=occupation.isco_group,
        job_zone=occupation.job_zone,
        broader=[row.broader_id for row in occupation_repo.occupation_broader(session, occupation.id)],
        essential_skills=essential,
        optional_skills=optional,
        onet_ratings=ratings,
        technology_skills=technology,
        crosswalk=_crosswalk_links(session, occupation),
        esco_profile=esco_profile(session, occupation.id) if onet else None,
    )


def esco_profile(session: Session, onet_id: str) -> views.EscoProfile | None:
    """Borrow ESCO skills for an O*NET occupation from its linked ESCO occupations.

    A skill is essential when at least half of the linked occupations list it as essential; every
    skill carries the share of linked occupations that list it at all.
    """
    links = occupation_repo.occupation_links(session, onet_id)
    if not links:
        return None
    relations = occupation_repo.esco_skill_relations(session, [link.esco_id for link, _ in links])
    listed: dict[str, int] = {}
    essential: dict[str, int] = {}
    labels: dict[str, str] = {}
    for relation in relations:
        skill = relation.skill_id
        listed[skill] = listed.get(skill, 0) + 1
        essential[skill] = essential.get(skill, 0) + (relation.relation_type == RelationType.ESSENTIAL)
        labels[skill] = relation.skill_label
    total = len(links)
    entries = sorted(listed, key=lambda skill: (-listed[skill], labels[skill]))
    skills = [
        views.ProfileSkill(
            skill_id=skill,
            label=labels[skill],
            relation_type=RelationType.ESSENTIAL if essential[skill] * 2 >= total else RelationType.OPTIONAL,
            share=round(listed[skill] / total, 3),
        )
        for skill in entries
    ]
    return views.EscoProfile(
        via=[
            views.ProfileLink(occupation_id=link.esco_id, label=label, method=link.method, score=link.score)
            for link, label in links
        ],
        essential_skills=[s for s in skills if s.relation_type == RelationType.ESSENTIAL],
        optional_skills=[s for s in skills if s.relation_type == RelationType.OPTIONAL],
    )
