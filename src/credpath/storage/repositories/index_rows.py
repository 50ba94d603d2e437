"""The bulk reads the build pipeline embeds and trains on, and the cheap fingerprints of them.

Text rows are TypedDicts: the pure ``skills`` functions that turn them into texts take mappings.
"""

from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy import select
from sqlmodel import Session, col

from credpath.storage.tables import Credential, Occupation, OccupationSkill, OnetTechnologySkill, Skill
from credpath.vocabulary import RelationType

__all__ = [
    "CredentialText",
    "EssentialRelation",
    "OccupationText",
    "SkillText",
    "credential_content_hashes",
    "credential_text_rows",
    "essential_relations",
    "occupation_text_rows",
    "skill_text_rows",
    "technology_products",
]


class SkillText(TypedDict):
    """What the skills index embeds of one ESCO skill."""

    id: str
    preferred_label: str
    alt_labels: list[str]
    description: str
    skill_type: str | None


class OccupationText(TypedDict):
    """What the occupations index embeds of one ESCO or O*NET occupation."""

    id: str
    taxonomy: str
    preferred_label: str
    alt_labels: list[str]


class CredentialText(TypedDict):
    """What the credentials index embeds of one active credential."""

    id: str
    title: str
    provider: str
    skill_tags: list[str]
    description: str | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class EssentialRelation:
    """An essential ESCO occupation–skill relation, with the occupation's label."""

    occupation_id: str
    occupation_label: str
    skill_id: str


def skill_text_rows(session: Session) -> list[SkillText]:
    """Every skill's id, labels, description and type, ordered by id (the index's item order)."""
    query = select(
        col(Skill.id), col(Skill.preferred_label), col(Skill.alt_labels), col(Skill.description), col(Skill.skill_type)
    ).order_by(col(Skill.id))
    return [
        SkillText(id=i, preferred_label=p, alt_labels=a, description=d, skill_type=t)
        for i, p, a, d, t in session.execute(query)
    ]


def occupation_text_rows(session: Session) -> list[OccupationText]:
    """Every occupation's id, taxonomy and labels, ordered by id."""
    query = select(
        col(Occupation.id), col(Occupation.taxonomy), col(Occupation.preferred_label), col(Occupation.alt_labels)
    ).order_by(col(Occupation.id))
    return [OccupationText(id=i, taxonomy=t, preferred_label=p, alt_labels=a) for i, t, p, a in session.execute(query)]


def credential_text_rows(session: Session) -> list[CredentialText]:
    """Active credentials' id, title, provider, tags, description and content hash, ordered by id."""
    query = (
        select(
            col(Credential.id),
            col(Credential.title),
            col(Credential.provider),
            col(Credential.skill_tags),
            col(Credential.description),
            col(Credential.content_hash),
        )
        .where(col(Credential.active))
        .order_by(col(Credential.id))
    )
    return [
        CredentialText(id=i, title=t, provider=p, skill_tags=s, description=d, content_hash=h)
        for i, t, p, s, d, h in session.execute(query)
    ]


def credential_content_hashes(session: Session) -> list[tuple[str, str]]:
    """(id, content hash) of active credentials, ordered by id: all an index fingerprint needs."""
    query = select(col(Credential.id), col(Credential.content_hash)).where(col(Credential.active))
    return [(i, h) for i, h in session.execute(query.order_by(col(Credential.id)))]


def technology_products(session: Session) -> dict[str, list[str]]:
    """O*NET technology commodity title → its distinct product examples, sorted."""
    query = (
        select(col(OnetTechnologySkill.commodity_title), col(OnetTechnologySkill.example))
        .distinct()
        .order_by(col(OnetTechnologySkill.commodity_title), col(OnetTechnologySkill.example))
    )
    out: dict[str, list[str]] = {}
    for title, example in session.execute(query):
        if title and example:
            out.setdefault(title, []).append(example)
    return out


def essential_relations(session: Session) -> list[EssentialRelation]:
    """Every essential ESCO occupation–skill relation, by occupation then skill."""
    query = (
        select(col(OccupationSkill.occupation_id), col(Occupation.preferred_label), col(OccupationSkill.skill_id))
        .join(Occupation, col(Occupation.id) == col(OccupationSkill.occupation_id))
        .where(col(OccupationSkill.relation_type) == RelationType.ESSENTIAL)
        .order_by(col(OccupationSkill.occupation_id), col(OccupationSkill.skill_id))
    )
    return [EssentialRelation(o, label, s) for o, label, s in session.execute(query)]
