"""Every query credpath runs. Services call these; nothing outside ``storage`` writes SQL."""

from collections.abc import Sequence
from datetime import UTC, datetime
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session, SQLModel

from credpath.storage.tables import (
    Credential,
    CredentialSkill,
    Crosswalk,
    Dataset,
    Occupation,
    OccupationBroader,
    OccupationSkill,
    OnetElement,
    OnetOccupationElement,
    OnetTechnologySkill,
    Skill,
    SkillBroader,
    SkillGroup,
    SkillRelation,
)

__all__ = [
    "CredentialFilters",
    "Page",
    "count_rows",
    "credential_skills",
    "crosswalk_for_esco",
    "crosswalk_for_onet",
    "get_credential",
    "get_dataset",
    "get_occupation",
    "get_skill",
    "list_datasets",
    "occupation_broader",
    "occupation_esco_skills",
    "occupation_onet_ratings",
    "occupation_technology",
    "onet_titles",
    "put_dataset",
    "retire_credentials",
    "search_credentials",
    "search_occupations",
    "search_skills",
    "skill_broader",
    "skill_narrower",
    "skill_occupation_count",
    "skill_relations",
]

T = TypeVar("T", bound=SQLModel)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the total number of matches."""

    items: list[T]
    total: int


@dataclass(frozen=True, slots=True)
class CredentialFilters:
    """Structured filters for the credential listing; ``None`` means no filter."""

    provider: str | None = None
    kind: str | None = None
    level: str | None = None
    max_hours: float | None = None
    source: str | None = None


# --- datasets ------------------------------------------------------------------------------------------


def get_dataset(session: Session, name: str) -> Dataset | None:
    """The dataset row for ``name``, if that source was ever loaded."""
    return session.get(Dataset, name)


def list_datasets(session: Session) -> list[Dataset]:
    """All loaded datasets, by name."""
    return list(session.scalars(select(Dataset).order_by(Dataset.name)))  # type: ignore[arg-type]


def put_dataset(session: Session, name: str, content_hash: str, version: str | None, stats: dict[str, Any]) -> None:
    """Record that ``name`` now holds the data whose files hash to ``content_hash``."""
    row = session.get(Dataset, name)
    if row is None:
        session.add(Dataset(name=name, content_hash=content_hash, version=version, stats=stats))
    else:
        row.content_hash, row.version, row.stats, row.loaded_at = content_hash, version, stats, datetime.now(UTC)
    session.flush()


def count_rows(session: Session, model: type[SQLModel], where: ColumnElement[bool] | None = None) -> int:
    """Number of rows in ``model``'s table (optionally filtered)."""
    query = select(func.count()).select_from(model)
    if where is not None:
        query = query.where(where)
    return int(session.scalar(query) or 0)


# --- lexical search --------------------------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lexical(
    query: Select[tuple[T]],
    label: InstrumentedAttribute[str],
    haystack: InstrumentedAttribute[str],
    q: str | None,
) -> tuple[Select[tuple[T]], list[ColumnElement[Any]]]:
    """Filter on every token of ``q`` and return the ordering that ranks exact label matches first.

    Ranking tiers, best first: preferred label equals the query; an alternative label equals it;
    preferred label starts with it; preferred label contains it; any label contains every token.
    Within a tier shorter labels win (a closer match), then alphabetical order for stability.
    """
    text = " ".join((q or "").casefold().split())
    if not text:
        return query, [label]
    for token in text.split(" "):
        query = query.where(haystack.like(f"%{_escape_like(token)}%", escape="\\"))
    escaped = _escape_like(text)
    lowered = func.lower(label)
    tier = case(
        (lowered == text, 0),
        ((literal("\n") + haystack + literal("\n")).like(f"%\n{escaped}\n%", escape="\\"), 1),
        (lowered.like(f"{escaped}%", escape="\\"), 2),
        (lowered.like(f"%{escaped}%", escape="\\"), 3),
        else_=4,
    )
    return query, [tier, func.length(label), label]


def _page(session: Session, query: Select[tuple[T]], order: Sequence[ColumnElement[Any]], limit: int, offset: int) -> Page[T]:
    total = int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    items = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return Page(items=items, total=total)


def search_skills(session: Session, q: str | None, limit: int, offset: int) -> Page[Skill]:
    """ESCO skills whose labels contain every word of ``q``, best label matches first."""
    query, order = _lexical(select(Skill), Skill.preferred_label, Skill.search_text, q)  # type: ignore[arg-type]
    return _page(session, query, order, limit, offset)


def search_occupations(session: Session, q: str | None, taxonomy: str | None, limit: int, offset: int) -> Page[Occupation]:
    """Occupations (ESCO and/or O*NET) whose labels or titles contain every word of ``q``."""
    base = select(Occupation)
    if taxonomy:
        base = base.where(Occupation.taxonomy == taxonomy)  # type: ignore[arg-type]
    query, order = _lexical(base, Occupation.preferred_label, Occupation.search_text, q)  # type: ignore[arg-type]
    return _page(session, query, order, limit, offset)


def search_credentials(session: Session, q: str | None, filters: CredentialFilters, limit: int, offset: int) -> Page[Credential]:
    """Active credentials matching ``q`` (title, provider, tags) and the structured filters."""
    query = select(Credential).where(Credential.active)  # type: ignore[arg-type]
    if filters.provider:
        query = query.where(func.lower(Credential.provider) == filters.provider.casefold())
    if filters.kind:
        query = query.where(Credential.kind == filters.kind)  # type: ignore[arg-type]
    if filters.level:
        query = query.where(Credential.level == filters.level)  # type: ignore[arg-type]
    if filters.source:
        query = query.where(Credential.source == filters.source)  # type: ignore[arg-type]
    if filters.max_hours is not None:
        query = query.where(and_(Credential.duration_hours.is_not(None), Credential.duration_hours <= filters.max_hours))  # type: ignore[union-attr,operator]
    query, order = _lexical(query, Credential.title, Credential.search_text, q)  # type: ignore[arg-type]
    return _page(session, query, order, limit, offset)


# --- skills ------------------------------------------------------------------------------------------------


def get_skill(session: Session, skill_id: str) -> Skill | None:
    """One skill by ESCO URI."""
    return session.get(Skill, skill_id)


def _concept_labels(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """URI → (label, kind) for skills and skill groups, which both appear in the hierarchy."""
    if not ids:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for concept_id, label in session.execute(select(Skill.id, Skill.preferred_label).where(Skill.id.in_(ids))):  # type: ignore[attr-defined]
        found[concept_id] = (label, "skill")
    for concept_id, label in session.execute(select(SkillGroup.id, SkillGroup.preferred_label).where(SkillGroup.id.in_(ids))):  # type: ignore[attr-defined]
        found[concept_id] = (label, "skill_group")
    return found


def skill_broader(session: Session, skill_id: str) -> list[tuple[str, str, str]]:
    """Direct parents of a skill as (id, label, kind), kind ``skill`` or ``skill_group``."""
    ids = list(session.scalars(select(SkillBroader.broader_id).where(SkillBroader.concept_id == skill_id)))  # type: ignore[arg-type]
    labels = _concept_labels(session, ids)
    return sorted((concept, *labels.get(concept, ("", "unknown"))) for concept in ids)


def skill_narrower(session: Session, skill_id: str) -> list[tuple[str, str, str]]:
    """Direct children of a skill or skill group as (id, label, kind)."""
    ids = list(session.scalars(select(SkillBroader.concept_id).where(SkillBroader.broader_id == skill_id)))  # type: ignore[arg-type]
    labels = _concept_labels(session, ids)
    return sorted(((concept, *labels.get(concept, ("", "unknown"))) for concept in ids), key=lambda item: item[1])


def skill_relations(session: Session, skill_id: str) -> list[tuple[str, str, str, str]]:
    """Related skills as (id, label, relation_type, direction), direction ``outgoing`` or ``incoming``."""
    outgoing = session.execute(
        select(SkillRelation.related_skill_id, Skill.preferred_label, SkillRelation.relation_type)
        .join(Skill, Skill.id == SkillRelation.related_skill_id)  # type: ignore[arg-type]
        .where(SkillRelation.skill_id == skill_id)  # type: ignore[arg-type]
    )
    incoming = session.execute(
        select(SkillRelation.skill_id, Skill.preferred_label, SkillRelation.relation_type)
        .join(Skill, Skill.id == SkillRelation.skill_id)  # type: ignore[arg-type]
        .where(SkillRelation.related_skill_id == skill_id)  # type: ignore[arg-type]
    )
    rows = [(i, label, rel, "outgoing") for i, label, rel in outgoing] + [(i, label, rel, "incoming") for i, label, rel in incoming]
    return sorted(rows, key=lambda item: (item[3], item[1]))


def skill_occupation_count(session: Session, skill_id: str) -> dict[str, int]:
    """How many ESCO occupations list the skill, per relation type."""
    rows = session.execute(
        select(OccupationSkill.relation_type, func.count())
        .where(OccupationSkill.skill_id == skill_id)  # type: ignore[arg-type]
        .group_by(OccupationSkill.relation_type)
    )
    return {relation: int(count) for relation, count in rows}


# --- occupations -----------------------------------------------------------------------------------------


def get_occupation(session: Session, occupation_id: str) -> Occupation | None:
    """One occupation by ESCO URI or O*NET-SOC code."""
    return session.get(Occupation, occupation_id)


def occupation_esco_skills(session: Session, occupation_id: str) -> list[tuple[Skill, str]]:
    """The ESCO skill profile: (skill, ``essential``/``optional``), essentials first, then by label."""
    rows = session.execute(
        select(Skill, OccupationSkill.relation_type)
        .join(OccupationSkill, OccupationSkill.skill_id == Skill.id)  # type: ignore[arg-type]
        .where(OccupationSkill.occupation_id == occupation_id)  # type: ignore[arg-type]
        .order_by(OccupationSkill.relation_type, Skill.preferred_label)
    )
    return [(skill, relation) for skill, relation in rows]


def occupation_onet_ratings(session: Session, occupation_id: str) -> list[tuple[OnetElement, OnetOccupationElement]]:
    """O*NET skill and knowledge ratings, most important first."""
    rows = session.execute(
        select(OnetElement, OnetOccupationElement)
        .join(OnetOccupationElement, OnetOccupationElement.element_id == OnetElement.id)  # type: ignore[arg-type]
        .where(OnetOccupationElement.occupation_id == occupation_id)  # type: ignore[arg-type]
        .order_by(OnetOccupationElement.importance.desc(), OnetElement.name)  # type: ignore[union-attr]
    )
    return [(element, rating) for element, rating in rows]


def occupation_technology(session: Session, occupation_id: str) -> list[OnetTechnologySkill]:
    """O*NET technology skills, hot technologies first."""
    query = (
        select(OnetTechnologySkill)
        .where(OnetTechnologySkill.occupation_id == occupation_id)  # type: ignore[arg-type]
        .order_by(OnetTechnologySkill.hot_technology.desc(), OnetTechnologySkill.example)  # type: ignore[attr-defined]
    )
    return list(session.scalars(query))


def occupation_broader(session: Session, occupation_id: str) -> list[OccupationBroader]:
    """Parents of an ESCO occupation (parent occupation or ISCO group)."""
    return list(session.scalars(select(OccupationBroader).where(OccupationBroader.occupation_id == occupation_id)))  # type: ignore[arg-type]


def crosswalk_for_esco(session: Session, occupation_id: str) -> Crosswalk | None:
    """The crosswalk row of an ESCO occupation, if Nesta mapped it."""
    return session.get(Crosswalk, occupation_id)


def crosswalk_for_onet(session: Session, onet_id: str) -> list[tuple[Crosswalk, str]]:
    """ESCO occupations that the crosswalk maps onto an O*NET occupation, with their labels."""
    rows = session.execute(
        select(Crosswalk, Occupation.preferred_label)
        .join(Occupation, Occupation.id == Crosswalk.esco_occupation_id)  # type: ignore[arg-type]
        .where(Crosswalk.onet_occupation_id == onet_id)  # type: ignore[arg-type]
        .order_by(Occupation.preferred_label)
    )
    return [(row, label) for row, label in rows]


def onet_titles(session: Session) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Loaded O*NET code → title, and lower-cased alternate title → codes (for crosswalk resolution)."""
    titles: dict[str, str] = {}
    alternates: dict[str, set[str]] = {}
    query = select(Occupation.id, Occupation.preferred_label, Occupation.alt_labels).where(Occupation.taxonomy == "onet")  # type: ignore[arg-type]
    for code, title, alt in session.execute(query):
        titles[code] = title
        for label in alt:
            alternates.setdefault(label.casefold(), set()).add(code)
    return titles, alternates


# --- credentials ---------------------------------------------------------------------------------------------


def get_credential(session: Session, credential_id: str) -> Credential | None:
    """One credential by id."""
    return session.get(Credential, credential_id)


def credential_skills(session: Session, credential_id: str) -> list[tuple[CredentialSkill, str]]:
    """Skills aligned to a credential with their labels, most confident first."""
    rows = session.execute(
        select(CredentialSkill, Skill.preferred_label)
        .join(Skill, Skill.id == CredentialSkill.skill_id)  # type: ignore[arg-type]
        .where(CredentialSkill.credential_id == credential_id)  # type: ignore[arg-type]
        .order_by(CredentialSkill.confidence.desc(), Skill.preferred_label)  # type: ignore[attr-defined]
    )
    return [(row, label) for row, label in rows]


def retire_credentials(session: Session, source: str, keep: set[str]) -> int:
    """Mark a source's credentials absent from ``keep`` inactive; return how many were retired.

    Retired, not deleted: learners may hold them, and their history must survive a catalogue refresh.
    """
    ids = set(session.scalars(select(Credential.id).where(and_(Credential.source == source, Credential.active))))  # type: ignore[arg-type]
    stale = sorted(ids - keep)
    for start in range(0, len(stale), 1000):
        session.execute(update(Credential).where(Credential.id.in_(stale[start : start + 1000])).values(active=False))  # type: ignore[attr-defined]
    return len(stale)


