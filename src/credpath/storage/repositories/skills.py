"""ESCO skills: lookup and lexical search, the skills hierarchy and skill–skill relations."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from credpath.storage.repositories.lexical import Page, lexical, page, trigram_index
from credpath.storage.tables import OccupationSkill, Skill, SkillBroader, SkillGroup, SkillRelation
from credpath.vocabulary import RelationType

__all__ = [
    "HierarchyNode",
    "RelatedSkillRow",
    "SkillProfile",
    "all_skill_labels",
    "existing_skill_ids",
    "get_skill",
    "search_skills",
    "skill_broader",
    "skill_labels",
    "skill_narrower",
    "skill_occupation_count",
    "skill_parents",
    "skill_prerequisites",
    "skill_profiles",
    "skill_relations",
]

# ESCO's concept type of skills (skill groups have their own), as published in the hierarchy file.
_SKILL_CONCEPT = "KnowledgeSkillCompetence"


@dataclass(frozen=True, slots=True)
class SkillProfile:
    """What alignment needs to know of a skill beside its text: type, reuse level, occupations using it."""

    label: str
    skill_type: str | None
    reuse_level: str | None
    occupations: int
    description: str = ""
    # ESCO collections the skill belongs to ("language", "digital", "green", ...).
    collections: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HierarchyNode:
    """A neighbour in the skills hierarchy: ``kind`` is ``skill``, ``skill_group`` or ``unknown``."""

    id: str
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class RelatedSkillRow:
    """A skill–skill relation seen from one skill: ``direction`` is ``outgoing`` or ``incoming``."""

    id: str
    label: str
    relation_type: str
    direction: str


def get_skill(session: Session, skill_id: str) -> Skill | None:
    """One skill by ESCO URI."""
    return session.get(Skill, skill_id)


def search_skills(session: Session, q: str | None, limit: int, offset: int) -> Page[Skill]:
    """ESCO skills whose labels contain every word of ``q``, best label matches first."""
    query, order = lexical(
        select(Skill), col(Skill.preferred_label), col(Skill.search_text), q, trigram_index(session, "skill")
    )
    return page(session, query, order, limit, offset)


def existing_skill_ids(session: Session, skill_ids: Sequence[str]) -> set[str]:
    """Which of ``skill_ids`` are ESCO skills."""
    if not skill_ids:
        return set()
    return set(session.scalars(select(col(Skill.id)).where(col(Skill.id).in_(list(skill_ids)))))


def skill_labels(session: Session, skill_ids: Sequence[str]) -> dict[str, str]:
    """Skill id → preferred label."""
    if not skill_ids:
        return {}
    query = select(col(Skill.id), col(Skill.preferred_label)).where(col(Skill.id).in_(list(skill_ids)))
    return {skill: label for skill, label in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def all_skill_labels(session: Session) -> dict[str, str]:
    """Every ESCO skill's id → preferred label."""
    query = select(col(Skill.id), col(Skill.preferred_label))
    return {skill: label for skill, label in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def _concept_labels(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """URI → (label, kind) for skills and skill groups, which both appear in the hierarchy."""
    if not ids:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for concept_id, label in session.execute(
        select(col(Skill.id), col(Skill.preferred_label)).where(col(Skill.id).in_(ids))
    ):
        found[concept_id] = (label, "skill")
    for concept_id, label in session.execute(
        select(col(SkillGroup.id), col(SkillGroup.preferred_label)).where(col(SkillGroup.id).in_(ids))
    ):
        found[concept_id] = (label, "skill_group")
    return found


def _nodes(session: Session, ids: list[str]) -> list[HierarchyNode]:
    labels = _concept_labels(session, ids)
    return [HierarchyNode(concept, *labels.get(concept, ("", "unknown"))) for concept in ids]


def skill_broader(session: Session, skill_id: str) -> list[HierarchyNode]:
    """Direct parents of a skill (skills or skill groups), by id."""
    ids = list(session.scalars(select(col(SkillBroader.broader_id)).where(col(SkillBroader.concept_id) == skill_id)))
    return sorted(_nodes(session, ids), key=lambda node: (node.id, node.label, node.kind))


def skill_narrower(session: Session, skill_id: str) -> list[HierarchyNode]:
    """Direct children of a skill or skill group, by label."""
    ids = list(session.scalars(select(col(SkillBroader.concept_id)).where(col(SkillBroader.broader_id) == skill_id)))
    return sorted(_nodes(session, ids), key=lambda node: node.label)


def skill_relations(session: Session, skill_id: str) -> list[RelatedSkillRow]:
    """Related skills, outgoing relations first, each group by label."""
    outgoing = session.execute(
        select(col(SkillRelation.related_skill_id), col(Skill.preferred_label), col(SkillRelation.relation_type))
        .join(Skill, col(Skill.id) == col(SkillRelation.related_skill_id))
        .where(col(SkillRelation.skill_id) == skill_id)
    )
    incoming = session.execute(
        select(col(SkillRelation.skill_id), col(Skill.preferred_label), col(SkillRelation.relation_type))
        .join(Skill, col(Skill.id) == col(SkillRelation.skill_id))
        .where(col(SkillRelation.related_skill_id) == skill_id)
    )
    rows = [RelatedSkillRow(i, label, rel, "outgoing") for i, label, rel in outgoing] + [
        RelatedSkillRow(i, label, rel, "incoming") for i, label, rel in incoming
    ]
    return sorted(rows, key=lambda row: (row.direction, row.label))


def skill_occupation_count(session: Session, skill_id: str) -> dict[str, int]:
    """How many ESCO occupations list the skill, per relation type."""
    rows = session.execute(
        select(col(OccupationSkill.relation_type), func.count())
        .where(col(OccupationSkill.skill_id) == skill_id)
        .group_by(col(OccupationSkill.relation_type))
    )
    return {relation: int(count) for relation, count in rows}


def skill_parents(session: Session) -> dict[str, frozenset[str]]:
    """Skill → its broader *skills* (the skill-to-skill part of the ESCO hierarchy)."""
    query = select(col(SkillBroader.concept_id), col(SkillBroader.broader_id)).where(
        col(SkillBroader.broader_type) == _SKILL_CONCEPT,
        col(SkillBroader.concept_type) == _SKILL_CONCEPT,
    )
    parents: dict[str, set[str]] = {}
    for child, parent in session.execute(query):
        parents.setdefault(child, set()).add(parent)
    return {child: frozenset(values) for child, values in parents.items()}


def skill_prerequisites(session: Session, skill_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """Skill → skills ESCO marks as essential to it (skill–skill relations), for ordering pathways."""
    if not skill_ids:
        return {}
    query = select(col(SkillRelation.skill_id), col(SkillRelation.related_skill_id)).where(
        col(SkillRelation.skill_id).in_(list(skill_ids)), col(SkillRelation.relation_type) == RelationType.ESSENTIAL
    )
    found: dict[str, set[str]] = {}
    for skill, related in session.execute(query):
        found.setdefault(skill, set()).add(related)
    return {skill: frozenset(values) for skill, values in found.items()}


def skill_profiles(session: Session) -> dict[str, SkillProfile]:
    """Every skill's type, reuse level and the number of occupations that list it."""
    counts = dict(
        session.execute(
            select(col(OccupationSkill.skill_id), func.count()).group_by(col(OccupationSkill.skill_id))
        ).all()
    )
    query = select(
        col(Skill.id),
        col(Skill.preferred_label),
        col(Skill.skill_type),
        col(Skill.reuse_level),
        col(Skill.description),
        col(Skill.collections),
    )
    return {
        i: SkillProfile(label, t, r, int(counts.get(i, 0)), d or "", tuple(c or ()))
        for i, label, t, r, d, c in session.execute(query)
    }
