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
    JobPosting,
    Learner,
    LearnerCredential,
    LearnerSkill,
    Occupation,
    OccupationBroader,
    OccupationLink,
    OccupationSkill,
    OnetElement,
    OnetOccupationElement,
    OnetTechnologySkill,
    PostingSkill,
    Skill,
    SkillBroader,
    SkillGroup,
    SkillRelation,
)

__all__ = [
    "CredentialFilters",
    "Page",
    "add_learner",
    "add_learner_credentials",
    "count_rows",
    "credential_content_hashes",
    "credential_offers",
    "credential_skills",
    "credential_text_rows",
    "credentials_to_align",
    "crosswalk_confidence",
    "crosswalk_for_esco",
    "crosswalk_for_onet",
    "crosswalk_pairs",
    "dataset_hashes",
    "delete_learner",
    "delete_learner_skill",
    "esco_occupation_ids",
    "esco_skill_relations",
    "existing_credential_ids",
    "existing_skill_ids",
    "get_credential",
    "get_dataset",
    "get_learner",
    "get_occupation",
    "get_skill",
    "learner_credentials",
    "learner_skills",
    "list_datasets",
    "occupation_broader",
    "occupation_esco_skills",
    "occupation_links",
    "occupation_onet_ratings",
    "occupation_technology",
    "occupation_text_rows",
    "offers_version",
    "onet_occupations_for_links",
    "onet_titles",
    "posting_skills",
    "put_dataset",
    "replace_inferred_skills",
    "retire_credentials",
    "search_credentials",
    "search_occupations",
    "search_skills",
    "skill_broader",
    "skill_labels",
    "skill_narrower",
    "skill_occupation_count",
    "skill_parents",
    "skill_prerequisites",
    "skill_relations",
    "skill_text_rows",
    "upsert_learner_skills",
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
    """Every skill's id, labels, description and type, ordered by id (the index's item order)."""
    query = select(
        col(Skill.id), col(Skill.preferred_label), col(Skill.alt_labels), col(Skill.description), col(Skill.skill_type)
    ).order_by(col(Skill.id))
    return [
        {"id": i, "preferred_label": p, "alt_labels": a, "description": d, "skill_type": t}
        for i, p, a, d, t in session.execute(query)
    ]


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


def essential_relations(session: Session) -> list[tuple[str, str, str]]:
    """(occupation id, occupation preferred label, skill id) for every essential ESCO relation, ordered."""
    query = (
        select(col(OccupationSkill.occupation_id), col(Occupation.preferred_label), col(OccupationSkill.skill_id))
        .join(Occupation, col(Occupation.id) == col(OccupationSkill.occupation_id))
        .where(col(OccupationSkill.relation_type) == "essential")
        .order_by(col(OccupationSkill.occupation_id), col(OccupationSkill.skill_id))
    )
    return [(occupation, label, skill) for occupation, label, skill in session.execute(query)]


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


def credential_content_hashes(session: Session) -> list[tuple[str, str]]:
    """(id, content hash) of active credentials, ordered by id: all an index fingerprint needs."""
    query = select(col(Credential.id), col(Credential.content_hash)).where(col(Credential.active))
    return [(i, h) for i, h in session.execute(query.order_by(col(Credential.id)))]


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


def credential_offers(
    session: Session, skill_ids: Sequence[str] | None = None, *, credential_ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Active credentials with their aligned skills (skill → confidence), optionally only for ``skill_ids``.

    One joined query: the planner calls this on every request, so it must not fan out.
    """
    query = (
        select(
            col(CredentialSkill.credential_id),
            col(CredentialSkill.skill_id),
            col(CredentialSkill.confidence),
            col(Credential.title),
            col(Credential.provider),
            col(Credential.kind),
            col(Credential.level),
            col(Credential.duration_hours),
            col(Credential.cost),
            col(Credential.review_count),
            col(Credential.canonical_key),
            col(Credential.url),
        )
        .join(Credential, col(Credential.id) == col(CredentialSkill.credential_id))
        .where(col(Credential.active))
    )
    if skill_ids is not None:
        query = query.where(col(CredentialSkill.skill_id).in_(list(skill_ids)))
    if credential_ids is not None:
        query = query.where(col(CredentialSkill.credential_id).in_(list(credential_ids)))
    offers: dict[str, dict[str, Any]] = {}
    for credential, skill, confidence, t, p, k, lv, h, c, r, ck, u in session.execute(query):
        row = offers.get(credential)
        if row is None:
            row = offers[credential] = {
                "id": credential,
                "title": t,
                "provider": p,
                "kind": k,
                "level": lv,
                "hours": h,
                "cost": c,
                "reviews": r,
                "canonical_key": ck,
                "url": u,
                "teaches": {},
            }
        row["teaches"][skill] = float(confidence)
    return list(offers.values())


def offers_version(session: Session) -> tuple[Any, ...]:
    """Cheap fingerprint of the catalogue and its alignments (changes whenever either changes)."""
    credentials = session.execute(
        select(func.count(), func.max(col(Credential.updated_at)), func.count(col(Credential.aligned_hash))).where(
            col(Credential.active)
        )
    ).one()
    alignments = session.execute(select(func.count(), func.sum(col(CredentialSkill.confidence)))).one()
    return (*credentials, *alignments)


def esco_occupation_ids(session: Session) -> list[str]:
    """Every ESCO occupation id, sorted."""
    query = select(col(Occupation.id)).where(col(Occupation.taxonomy) == "esco").order_by(col(Occupation.id))
    return list(session.scalars(query))


# --- learners ---------------------------------------------------------------------------------------------


def existing_skill_ids(session: Session, skill_ids: Sequence[str]) -> set[str]:
    """Which of ``skill_ids`` are ESCO skills."""
    if not skill_ids:
        return set()
    return set(session.scalars(select(col(Skill.id)).where(col(Skill.id).in_(list(skill_ids)))))


def existing_credential_ids(session: Session, credential_ids: Sequence[str]) -> set[str]:
    """Which of ``credential_ids`` exist (active or retired)."""
    if not credential_ids:
        return set()
    return set(session.scalars(select(col(Credential.id)).where(col(Credential.id).in_(list(credential_ids)))))


def skill_labels(session: Session, skill_ids: Sequence[str]) -> dict[str, str]:
    """Skill id → preferred label."""
    if not skill_ids:
        return {}
    query = select(col(Skill.id), col(Skill.preferred_label)).where(col(Skill.id).in_(list(skill_ids)))
    return {skill: label for skill, label in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def skill_parents(session: Session) -> dict[str, frozenset[str]]:
    """Skill → its broader *skills* (the skill-to-skill part of the ESCO hierarchy)."""
    query = select(col(SkillBroader.concept_id), col(SkillBroader.broader_id)).where(
        col(SkillBroader.broader_type) == "KnowledgeSkillCompetence",
        col(SkillBroader.concept_type) == "KnowledgeSkillCompetence",
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
        col(SkillRelation.skill_id).in_(list(skill_ids)), col(SkillRelation.relation_type) == "essential"
    )
    found: dict[str, set[str]] = {}
    for skill, related in session.execute(query):
        found.setdefault(skill, set()).add(related)
    return {skill: frozenset(values) for skill, values in found.items()}


def get_learner(session: Session, learner_id: str) -> Learner | None:
    """One learner."""
    return session.get(Learner, learner_id)


def learner_skills(session: Session, learner_id: str) -> list[tuple[LearnerSkill, str]]:
    """A learner's skills with labels."""
    rows = session.execute(
        select(LearnerSkill, col(Skill.preferred_label))
        .join(Skill, col(Skill.id) == col(LearnerSkill.skill_id))
        .where(col(LearnerSkill.learner_id) == learner_id)
        .order_by(col(Skill.preferred_label))
    )
    return [(row, label) for row, label in rows]


def learner_credentials(session: Session, learner_id: str) -> list[str]:
    """Credential ids a learner holds."""
    query = select(col(LearnerCredential.credential_id)).where(col(LearnerCredential.learner_id) == learner_id)
    return list(session.scalars(query))


def add_learner(session: Session, learner: Learner) -> None:
    """Insert a learner (flushed, not committed)."""
    session.add(learner)
    session.flush()


def upsert_learner_skills(session: Session, learner_id: str, rows: Sequence[dict[str, Any]]) -> None:
    """Add or replace a learner's skills; stronger evidence is never overwritten by weaker."""
    rank = {"verified": 3, "declared": 2, "inferred": 1}
    existing = {row.skill_id: row for row, _ in learner_skills(session, learner_id)}
    for row in rows:
        current = existing.get(row["skill_id"])
        if current is None:
            session.add(LearnerSkill(learner_id=learner_id, **row))
        elif rank.get(row["evidence"], 0) >= rank.get(current.evidence, 0):
            current.evidence = row["evidence"]
            current.proficiency = row.get("proficiency", current.proficiency)
            current.source_credential_id = row.get("source_credential_id", current.source_credential_id)
    session.flush()


def add_learner_credentials(session: Session, learner_id: str, credential_ids: Sequence[str]) -> None:
    """Record credentials a learner holds (idempotent)."""
    held = set(learner_credentials(session, learner_id))
    for credential in credential_ids:
        if credential not in held:
            session.add(LearnerCredential(learner_id=learner_id, credential_id=credential))
    session.flush()


def delete_learner_skill(session: Session, learner_id: str, skill_id: str) -> bool:
    """Remove one skill; return whether it was there."""
    row = session.get(LearnerSkill, (learner_id, skill_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def delete_learner(session: Session, learner: Learner) -> None:
    """Delete a learner with their skills and credentials."""
    for model in (LearnerSkill, LearnerCredential):
        session.execute(delete(model).where(col(model.learner_id) == learner.id))
    session.delete(learner)
    session.flush()


def posting_skills(session: Session, posting_id: str) -> list[tuple[str, str]] | None:
    """(skill, relation) of a stored job posting, or None when the posting does not exist."""
    if session.get(JobPosting, posting_id) is None:
        return None
    query = select(col(PostingSkill.skill_id), col(PostingSkill.relation_type)).where(
        col(PostingSkill.posting_id) == posting_id
    )
    return [(skill, relation) for skill, relation in session.execute(query)]
