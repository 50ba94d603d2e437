"""Every query credpath runs. Services call these; nothing outside ``storage`` writes SQL."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col

from credpath.storage.tables import (
    Credential,
    CredentialSkill,
    Crosswalk,
    Dataset,
    Occupation,
    OccupationBroader,
    OccupationLink,
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
    "credential_offers",
    "credential_skills",
    "credential_text_rows",
    "credentials_to_align",
    "crosswalk_confidence",
    "crosswalk_for_esco",
    "crosswalk_for_onet",
    "crosswalk_pairs",
    "dataset_hashes",
    "esco_occupation_ids",
    "esco_skill_relations",
    "get_credential",
    "get_dataset",
    "get_occupation",
    "get_skill",
    "list_datasets",
    "occupation_broader",
    "occupation_esco_skills",
    "occupation_links",
    "occupation_onet_ratings",
    "occupation_technology",
    "occupation_text_rows",
    "onet_occupations_for_links",
    "onet_titles",
    "put_dataset",
    "replace_inferred_skills",
    "retire_credentials",
    "search_credentials",
    "search_occupations",
    "search_skills",
    "skill_broader",
    "skill_narrower",
    "skill_occupation_count",
    "skill_relations",
    "skill_text_rows",
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
    return list(session.scalars(select(Dataset).order_by(col(Dataset.name))))


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
    query: Select[T],
    label: Mapped[str],
    haystack: Mapped[str],
    q: str | None,
) -> tuple[Select[T], list[Any]]:
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


def _page(session: Session, query: Select[T], order: Sequence[Any], limit: int, offset: int) -> Page[T]:
    total = int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    items = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return Page(items=items, total=total)


def search_skills(session: Session, q: str | None, limit: int, offset: int) -> Page[Skill]:
    """ESCO skills whose labels contain every word of ``q``, best label matches first."""
    query, order = _lexical(select(Skill), col(Skill.preferred_label), col(Skill.search_text), q)
    return _page(session, query, order, limit, offset)


def search_occupations(
    session: Session, q: str | None, taxonomy: str | None, limit: int, offset: int
) -> Page[Occupation]:
    """Occupations (ESCO and/or O*NET) whose labels or titles contain every word of ``q``."""
    base = select(Occupation)
    if taxonomy:
        base = base.where(col(Occupation.taxonomy) == taxonomy)
    query, order = _lexical(base, col(Occupation.preferred_label), col(Occupation.search_text), q)
    return _page(session, query, order, limit, offset)


def search_credentials(
    session: Session, q: str | None, filters: CredentialFilters, limit: int, offset: int
) -> Page[Credential]:
    """Active credentials matching ``q`` (title, provider, tags) and the structured filters."""
    query = select(Credential).where(col(Credential.active))
    if filters.provider:
        query = query.where(func.lower(col(Credential.provider)) == filters.provider.casefold())
    if filters.kind:
        query = query.where(col(Credential.kind) == filters.kind)
    if filters.level:
        query = query.where(col(Credential.level) == filters.level)
    if filters.source:
        query = query.where(col(Credential.source) == filters.source)
    if filters.max_hours is not None:
        query = query.where(
            and_(col(Credential.duration_hours).is_not(None), col(Credential.duration_hours) <= filters.max_hours)
        )
    query, order = _lexical(query, col(Credential.title), col(Credential.search_text), q)
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
    for concept_id, label in session.execute(
        select(col(Skill.id), col(Skill.preferred_label)).where(col(Skill.id).in_(ids))
    ):
        found[concept_id] = (label, "skill")
    for concept_id, label in session.execute(
        select(col(SkillGroup.id), col(SkillGroup.preferred_label)).where(col(SkillGroup.id).in_(ids))
    ):
        found[concept_id] = (label, "skill_group")
    return found


def skill_broader(session: Session, skill_id: str) -> list[tuple[str, str, str]]:
    """Direct parents of a skill as (id, label, kind), kind ``skill`` or ``skill_group``."""
    ids = list(session.scalars(select(col(SkillBroader.broader_id)).where(col(SkillBroader.concept_id) == skill_id)))
    labels = _concept_labels(session, ids)
    return sorted((concept, *labels.get(concept, ("", "unknown"))) for concept in ids)


def skill_narrower(session: Session, skill_id: str) -> list[tuple[str, str, str]]:
    """Direct children of a skill or skill group as (id, label, kind)."""
    ids = list(session.scalars(select(col(SkillBroader.concept_id)).where(col(SkillBroader.broader_id) == skill_id)))
    labels = _concept_labels(session, ids)
    return sorted(((concept, *labels.get(concept, ("", "unknown"))) for concept in ids), key=lambda item: item[1])


def skill_relations(session: Session, skill_id: str) -> list[tuple[str, str, str, str]]:
    """Related skills as (id, label, relation_type, direction), direction ``outgoing`` or ``incoming``."""
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
    rows = [(i, label, rel, "outgoing") for i, label, rel in outgoing] + [
        (i, label, rel, "incoming") for i, label, rel in incoming
    ]
    return sorted(rows, key=lambda item: (item[3], item[1]))


def skill_occupation_count(session: Session, skill_id: str) -> dict[str, int]:
    """How many ESCO occupations list the skill, per relation type."""
    rows = session.execute(
        select(col(OccupationSkill.relation_type), func.count())
        .where(col(OccupationSkill.skill_id) == skill_id)
        .group_by(col(OccupationSkill.relation_type))
    )
    return {relation: int(count) for relation, count in rows}


# --- occupations -----------------------------------------------------------------------------------------


def get_occupation(session: Session, occupation_id: str) -> Occupation | None:
    """One occupation by ESCO URI or O*NET-SOC code."""
    return session.get(Occupation, occupation_id)


def occupation_esco_skills(session: Session, occupation_id: str) -> list[tuple[Skill, str]]:
    """The ESCO skill profile: (skill, ``essential``/``optional``), essentials first, then by label."""
    rows = session.execute(
        select(Skill, col(OccupationSkill.relation_type))
        .join(OccupationSkill, col(OccupationSkill.skill_id) == col(Skill.id))
        .where(col(OccupationSkill.occupation_id) == occupation_id)
        .order_by(col(OccupationSkill.relation_type), col(Skill.preferred_label))
    )
    return [(skill, relation) for skill, relation in rows]


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


def onet_titles(session: Session) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Loaded O*NET code → title, and lower-cased alternate title → codes (for crosswalk resolution)."""
    titles: dict[str, str] = {}
    alternates: dict[str, set[str]] = {}
    query = select(col(Occupation.id), col(Occupation.preferred_label), col(Occupation.alt_labels)).where(
        col(Occupation.taxonomy) == "onet"
    )
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
        select(CredentialSkill, col(Skill.preferred_label))
        .join(Skill, col(Skill.id) == col(CredentialSkill.skill_id))
        .where(col(CredentialSkill.credential_id) == credential_id)
        .order_by(col(CredentialSkill.confidence).desc(), col(Skill.preferred_label))
    )
    return [(row, label) for row, label in rows]


def retire_credentials(session: Session, source: str, keep: set[str]) -> int:
    """Mark a source's credentials absent from ``keep`` inactive; return how many were retired.

    Retired, not deleted: learners may hold them, and their history must survive a catalogue refresh.
    """
    ids = set(
        session.scalars(
            select(col(Credential.id)).where(and_(col(Credential.source) == source, col(Credential.active)))
        )
    )
    stale = sorted(ids - keep)
    for start in range(0, len(stale), 1000):
        session.execute(
            update(Credential).where(col(Credential.id).in_(stale[start : start + 1000])).values(active=False)
        )
    return len(stale)


# --- rows for the embedding indexes ----------------------------------------------------------------------


def skill_text_rows(session: Session) -> list[dict[str, Any]]:
    """Every skill's id, labels and description, ordered by id (the index's item order)."""
    query = select(col(Skill.id), col(Skill.preferred_label), col(Skill.alt_labels), col(Skill.description)).order_by(
        col(Skill.id)
    )
    return [{"id": i, "preferred_label": p, "alt_labels": a, "description": d} for i, p, a, d in session.execute(query)]


def occupation_text_rows(session: Session) -> list[dict[str, Any]]:
    """Every occupation's id, taxonomy and labels, ordered by id."""
    query = select(
        col(Occupation.id), col(Occupation.taxonomy), col(Occupation.preferred_label), col(Occupation.alt_labels)
    ).order_by(col(Occupation.id))
    return [{"id": i, "taxonomy": t, "preferred_label": p, "alt_labels": a} for i, t, p, a in session.execute(query)]


def credential_text_rows(session: Session) -> list[dict[str, Any]]:
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
        {"id": i, "title": t, "provider": p, "skill_tags": s, "description": d, "content_hash": h}
        for i, t, p, s, d, h in session.execute(query)
    ]


def dataset_hashes(session: Session) -> dict[str, str]:
    """Loaded dataset name → content hash."""
    query = select(col(Dataset.name), col(Dataset.content_hash))
    return {name: digest for name, digest in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def crosswalk_pairs(session: Session) -> list[tuple[str, str]]:
    """(ESCO occupation, resolved O*NET occupation) for resolved rows whose ESCO occupation is loaded."""
    query = (
        select(col(Crosswalk.esco_occupation_id), col(Crosswalk.onet_occupation_id))
        .join(Occupation, col(Occupation.id) == col(Crosswalk.esco_occupation_id))
        .where(col(Crosswalk.onet_occupation_id).is_not(None))
    )
    return [(esco, onet) for esco, onet in session.execute(query) if onet is not None]


# --- inferred alignments and O*NET -> ESCO links ------------------------------------------------------------


def credentials_to_align(session: Session, everything: bool) -> list[dict[str, Any]]:
    """Active credentials whose skills must be (re)inferred: changed since last time, or all."""
    query = select(
        col(Credential.id),
        col(Credential.title),
        col(Credential.skill_tags),
        col(Credential.description),
        col(Credential.content_hash),
    ).where(col(Credential.active))
    if not everything:
        query = query.where(
            (col(Credential.aligned_hash).is_(None)) | (col(Credential.aligned_hash) != col(Credential.content_hash))
        )
    return [
        {"id": i, "title": t, "skill_tags": s, "description": d, "content_hash": h}
        for i, t, s, d, h in session.execute(query.order_by(col(Credential.id)))
    ]


def replace_inferred_skills(
    session: Session, alignments: dict[str, list[dict[str, Any]]], content_hashes: dict[str, str]
) -> int:
    """For each credential given, replace its ``inferred`` skills and record the content they came from."""
    ids = list(alignments)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        session.execute(
            delete(CredentialSkill).where(
                col(CredentialSkill.credential_id).in_(batch), col(CredentialSkill.source) == "inferred"
            )
        )
    rows = [
        {"credential_id": credential, "source": "inferred", **row}
        for credential, found in alignments.items()
        for row in found
    ]
    for start in range(0, len(rows), 2000):
        session.execute(insert(CredentialSkill), rows[start : start + 2000])
    for credential, digest in content_hashes.items():
        session.execute(update(Credential).where(col(Credential.id) == credential).values(aligned_hash=digest))
    return len(rows)


def onet_occupations_for_links(session: Session) -> list[dict[str, Any]]:
    """O*NET occupations with their title, for nearest-ESCO linking."""
    query = select(col(Occupation.id), col(Occupation.preferred_label)).where(col(Occupation.taxonomy) == "onet")
    return [{"id": i, "preferred_label": p} for i, p in session.execute(query.order_by(col(Occupation.id)))]


def occupation_links(session: Session, onet_id: str) -> list[tuple[OccupationLink, str]]:
    """ESCO occupations an O*NET occupation borrows its ESCO profile from, with their labels."""
    rows = session.execute(
        select(OccupationLink, col(Occupation.preferred_label))
        .join(Occupation, col(Occupation.id) == col(OccupationLink.esco_id))
        .where(col(OccupationLink.onet_id) == onet_id)
        .order_by(col(OccupationLink.score).desc())
    )
    return [(link, label) for link, label in rows]


def esco_skill_relations(session: Session, occupation_ids: Sequence[str]) -> list[tuple[str, str, str, str | None]]:
    """(occupation, skill, relation, skill label) for several ESCO occupations at once."""
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
    return [(o, s, r, label) for o, s, r, label in session.execute(query)]


def crosswalk_confidence(session: Session) -> dict[str, float | None]:
    """ESCO occupation → the crosswalk's confidence for its mapping."""
    query = select(col(Crosswalk.esco_occupation_id), col(Crosswalk.confidence))
    return {esco: c for esco, c in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


# --- planning ---------------------------------------------------------------------------------------------


def credential_offers(session: Session, skill_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Active credentials with their aligned skills (skill → confidence), optionally only for ``skill_ids``."""
    query = (
        select(
            col(CredentialSkill.credential_id),
            col(CredentialSkill.skill_id),
            col(CredentialSkill.confidence),
        )
        .join(Credential, col(Credential.id) == col(CredentialSkill.credential_id))
        .where(col(Credential.active))
    )
    if skill_ids is not None:
        query = query.where(col(CredentialSkill.skill_id).in_(list(skill_ids)))
    teaches: dict[str, dict[str, float]] = {}
    for credential, skill, confidence in session.execute(query):
        teaches.setdefault(credential, {})[skill] = float(confidence)
    if not teaches:
        return []
    meta = session.execute(
        select(
            col(Credential.id),
            col(Credential.title),
            col(Credential.provider),
            col(Credential.kind),
            col(Credential.level),
            col(Credential.duration_hours),
            col(Credential.cost),
            col(Credential.review_count),
            col(Credential.canonical_key),
        ).where(col(Credential.id).in_(list(teaches)))
    )
    return [
        {
            "id": i,
            "title": t,
            "provider": p,
            "kind": k,
            "level": lv,
            "hours": h,
            "cost": c,
            "reviews": r,
            "canonical_key": ck,
            "teaches": teaches[i],
        }
        for i, t, p, k, lv, h, c, r, ck in meta
    ]


def esco_occupation_ids(session: Session) -> list[str]:
    """Every ESCO occupation id, sorted."""
    query = select(col(Occupation.id)).where(col(Occupation.taxonomy) == "esco").order_by(col(Occupation.id))
    return list(session.scalars(query))
