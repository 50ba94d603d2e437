"""ESCO and O*NET occupations: search, skill profiles, ratings, the crosswalk and O*NET → ESCO links."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from credpath.storage.repositories.lexical import Page, lexical, page, trigram_index
from credpath.storage.tables import (
    Crosswalk,
    Occupation,
    OccupationBroader,
    OccupationLink,
    OccupationSkill,
    OnetElement,
    OnetOccupationElement,
    OnetTechnologySkill,
    Skill,
)
from credpath.vocabulary import Taxonomy

__all__ = [
    "OccupationSkillRow",
    "all_esco_skill_relations",
    "all_occupation_links",
    "crosswalk_confidence",
    "crosswalk_for_esco",
    "crosswalk_for_onet",
    "crosswalk_pairs",
    "esco_occupation_ids",
    "esco_skill_relations",
    "get_occupation",
    "occupation_broader",
    "occupation_esco_skill_ids",
    "occupation_esco_skills",
    "occupation_labels",
    "occupation_links",
    "occupation_onet_ratings",
    "occupation_technology",
    "onet_occupation_titles",
    "onet_titles",
    "search_occupations",
]


@dataclass(frozen=True, slots=True)
class OccupationSkillRow:
    """One ESCO occupation–skill relation with the skill's label (empty when the skill has none)."""

    occupation_id: str
    skill_id: str
    relation_type: str
    skill_label: str


def get_occupation(session: Session, occupation_id: str) -> Occupation | None:
    """One occupation by ESCO URI or O*NET-SOC code."""
    return session.get(Occupation, occupation_id)


def search_occupations(
    session: Session, q: str | None, taxonomy: str | None, limit: int, offset: int
) -> Page[Occupation]:
    """Occupations (ESCO and/or O*NET) whose labels or titles contain every word of ``q``."""
    base = select(Occupation)
    if taxonomy:
        base = base.where(col(Occupation.taxonomy) == taxonomy)
    query, order = lexical(
        base, col(Occupation.preferred_label), col(Occupation.search_text), q, trigram_index(session, "occupation")
    )
    return page(session, query, order, limit, offset)


def esco_occupation_ids(session: Session) -> list[str]:
    """Every ESCO occupation id, sorted."""
    query = select(col(Occupation.id)).where(col(Occupation.taxonomy) == Taxonomy.ESCO).order_by(col(Occupation.id))
    return list(session.scalars(query))


def _esco_profile_query(occupation_id: str, *columns: Any) -> Select[Any]:
    """``columns`` of an ESCO occupation's skill profile, essentials first, then by skill label."""
    return (
        select(*columns)
        .join(OccupationSkill, col(OccupationSkill.skill_id) == col(Skill.id))
        .where(col(OccupationSkill.occupation_id) == occupation_id)
        .order_by(col(OccupationSkill.relation_type), col(Skill.preferred_label))
    )


def occupation_esco_skills(session: Session, occupation_id: str) -> list[tuple[Skill, str]]:
    """The ESCO skill profile: (skill, ``essential``/``optional``), essentials first, then by label."""
    rows = session.execute(_esco_profile_query(occupation_id, Skill, col(OccupationSkill.relation_type)))
    return [(skill, relation) for skill, relation in rows]


def occupation_esco_skill_ids(session: Session, occupation_id: str) -> list[tuple[str, str]]:
    """The ESCO skill profile as (skill id, ``essential``/``optional``), in ``occupation_esco_skills``' order."""
    rows = session.execute(_esco_profile_query(occupation_id, col(Skill.id), col(OccupationSkill.relation_type)))
    return [(skill_id, relation) for skill_id, relation in rows]


def esco_skill_relations(session: Session, occupation_ids: Sequence[str]) -> list[OccupationSkillRow]:
    """The skill profiles of several ESCO occupations at once."""
    if not occupation_ids:
        return []
    query = (
        select(
            col(OccupationSkill.occupation_id),
            col(OccupationSkill.skill_id),
            col(OccupationSkill.relation_type),
            col(Skill.preferred_label),
        )
        .join(Skill, col(Skill.id) == col(OccupationSkill.skill_id))
        .where(col(OccupationSkill.occupation_id).in_(list(occupation_ids)))
    )
    return [OccupationSkillRow(o, s, r, label or "") for o, s, r, label in session.execute(query)]


def occupation_onet_ratings(session: Session, occupation_id: str) -> list[tuple[OnetElement, OnetOccupationElement]]:
    """O*NET skill and knowledge ratings, most important first."""
    rows = session.execute(
        select(OnetElement, OnetOccupationElement)
        .join(OnetOccupationElement, col(OnetOccupationElement.element_id) == col(OnetElement.id))
        .where(col(OnetOccupationElement.occupation_id) == occupation_id)
        .order_by(col(OnetOccupationElement.importance).desc(), col(OnetElement.name))
    )
    return [(element, rating) for element, rating in rows]


def occupation_technology(session: Session, occupation_id: str) -> list[OnetTechnologySkill]:
    """O*NET technology skills, hot technologies first."""
    query = (
        select(OnetTechnologySkill)
        .where(col(OnetTechnologySkill.occupation_id) == occupation_id)
        .order_by(col(OnetTechnologySkill.hot_technology).desc(), col(OnetTechnologySkill.example))
    )
    return list(session.scalars(query))


def occupation_broader(session: Session, occupation_id: str) -> list[OccupationBroader]:
    """Parents of an ESCO occupation (parent occupation or ISCO group)."""
    return list(session.scalars(select(OccupationBroader).where(col(OccupationBroader.occupation_id) == occupation_id)))


def onet_titles(session: Session) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Loaded O*NET code → title, and lower-cased alternate title → codes (for crosswalk resolution)."""
    titles: dict[str, str] = {}
    alternates: dict[str, set[str]] = {}
    query = select(col(Occupation.id), col(Occupation.preferred_label), col(Occupation.alt_labels)).where(
        col(Occupation.taxonomy) == Taxonomy.ONET
    )
    for code, title, alt in session.execute(query):
        titles[code] = title
        for label in alt:
            alternates.setdefault(label.casefold(), set()).add(code)
    return titles, alternates


def onet_occupation_titles(session: Session) -> list[tuple[str, str]]:
    """(O*NET occupation id, title), by id: what nearest-ESCO linking embeds."""
    query = select(col(Occupation.id), col(Occupation.preferred_label)).where(col(Occupation.taxonomy) == Taxonomy.ONET)
    return [(i, p) for i, p in session.execute(query.order_by(col(Occupation.id)))]


# --- the ESCO <-> O*NET crosswalk and the links built from it ---------------------------------------------


def crosswalk_for_esco(session: Session, occupation_id: str) -> Crosswalk | None:
    """The crosswalk row of an ESCO occupation, if Nesta mapped it."""
    return session.get(Crosswalk, occupation_id)


def crosswalk_for_onet(session: Session, onet_id: str) -> list[tuple[Crosswalk, str]]:
    """ESCO occupations that the crosswalk maps onto an O*NET occupation, with their labels."""
    rows = session.execute(
        select(Crosswalk, col(Occupation.preferred_label))
        .join(Occupation, col(Occupation.id) == col(Crosswalk.esco_occupation_id))
        .where(col(Crosswalk.onet_occupation_id) == onet_id)
        .order_by(col(Occupation.preferred_label))
    )
    return [(row, label) for row, label in rows]


def crosswalk_pairs(session: Session) -> list[tuple[str, str]]:
    """(ESCO occupation, resolved O*NET occupation) for resolved rows whose ESCO occupation is loaded."""
    query = (
        select(col(Crosswalk.esco_occupation_id), col(Crosswalk.onet_occupation_id))
        .join(Occupation, col(Occupation.id) == col(Crosswalk.esco_occupation_id))
        .where(col(Crosswalk.onet_occupation_id).is_not(None))
    )
    return [(esco, onet) for esco, onet in session.execute(query) if onet is not None]


def crosswalk_confidence(session: Session) -> dict[str, float | None]:
    """ESCO occupation → the crosswalk's confidence for its mapping."""
    query = select(col(Crosswalk.esco_occupation_id), col(Crosswalk.confidence))
    return {esco: c for esco, c in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def occupation_links(session: Session, onet_id: str) -> list[tuple[OccupationLink, str]]:
    """ESCO occupations an O*NET occupation borrows its ESCO profile from, with their labels."""
    rows = session.execute(
        select(OccupationLink, col(Occupation.preferred_label))
        .join(Occupation, col(Occupation.id) == col(OccupationLink.esco_id))
        .where(col(OccupationLink.onet_id) == onet_id)
        .order_by(col(OccupationLink.score).desc())
    )
    return [(link, label) for link, label in rows]


# --- every occupation at once (the roles ranking, built once per data version) ---------------------------


def all_esco_skill_relations(session: Session) -> list[tuple[str, str, str]]:
    """(ESCO occupation, skill, relation) for every occupation-skill relation whose skill is loaded."""
    query = select(
        col(OccupationSkill.occupation_id), col(OccupationSkill.skill_id), col(OccupationSkill.relation_type)
    ).join(Skill, col(Skill.id) == col(OccupationSkill.skill_id))
    return [(o, s, r) for o, s, r in session.execute(query)]


def all_occupation_links(session: Session) -> list[tuple[str, str]]:
    """(O*NET occupation, ESCO occupation) for every link whose ESCO occupation is loaded."""
    query = select(col(OccupationLink.onet_id), col(OccupationLink.esco_id)).join(
        Occupation, col(Occupation.id) == col(OccupationLink.esco_id)
    )
    return [(onet, esco) for onet, esco in session.execute(query)]


def occupation_labels(session: Session) -> dict[str, tuple[str, str]]:
    """Occupation id → (preferred label, taxonomy), for every occupation."""
    query = select(col(Occupation.id), col(Occupation.preferred_label), col(Occupation.taxonomy))
    return {i: (label, taxonomy) for i, label, taxonomy in session.execute(query)}
