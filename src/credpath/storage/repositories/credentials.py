"""The credential catalogue: search, aligned skills, retirement, the planner's offers, inferred alignments."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, select, update
from sqlmodel import Session, col

from credpath.planning.offers import CredentialOffer
from credpath.storage.repositories.lexical import Page, lexical, page
from credpath.storage.tables import Credential, CredentialSkill, Skill
from credpath.vocabulary import Evidence

__all__ = [
    "AlignmentInput",
    "CredentialFilters",
    "InferredSkill",
    "SkillTeacher",
    "credential_offers",
    "credential_skills",
    "credentials_by_id",
    "credentials_to_align",
    "existing_credential_ids",
    "get_credential",
    "offers_version",
    "replace_inferred_skills",
    "retire_credentials",
    "search_credentials",
    "served_alignment_keys",
    "skill_teachers",
    "tag_frequencies",
]


@dataclass(frozen=True, slots=True)
class CredentialFilters:
    """Structured filters for the credential listing; ``None`` means no filter."""

    provider: str | None = None
    kind: str | None = None
    level: str | None = None
    max_hours: float | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class AlignmentInput:
    """What skill alignment reads of one active credential."""

    id: str
    title: str
    skill_tags: list[str]
    description: str | None
    content_hash: str
    hours: float | None = None


@dataclass(frozen=True, slots=True)
class InferredSkill:
    """A skill credpath inferred a credential teaches: how sure, and the evidence in words."""

    skill_id: str
    confidence: float
    evidence: str


def get_credential(session: Session, credential_id: str) -> Credential | None:
    """One credential by id."""
    return session.get(Credential, credential_id)


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
    query, order = lexical(query, col(Credential.title), col(Credential.search_text), q)
    return page(session, query, order, limit, offset)


def existing_credential_ids(session: Session, credential_ids: Sequence[str]) -> set[str]:
    """Which of ``credential_ids`` exist (active or retired)."""
    if not credential_ids:
        return set()
    return set(session.scalars(select(col(Credential.id)).where(col(Credential.id).in_(list(credential_ids)))))


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


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillTeacher:
    """An active credential aligned to a skill: what it is, and how confidently and why it teaches the skill."""

    skill_id: str
    credential_id: str
    title: str
    provider: str
    kind: str
    level: str | None
    hours: float | None
    url: str | None
    source: str
    confidence: float
    evidence: str


def skill_teachers(session: Session, skill_ids: Sequence[str]) -> list[SkillTeacher]:
    """Active credentials teaching any of ``skill_ids``, most confident first per skill."""
    if not skill_ids:
        return []
    query = (
        select(CredentialSkill, Credential)
        .join(Credential, col(Credential.id) == col(CredentialSkill.credential_id))
        .where(col(Credential.active), col(CredentialSkill.skill_id).in_(list(skill_ids)))
        .order_by(col(CredentialSkill.skill_id), col(CredentialSkill.confidence).desc(), col(Credential.title))
    )
    return [
        SkillTeacher(
            skill_id=link.skill_id,
            credential_id=credential.id,
            title=credential.title,
            provider=credential.provider,
            kind=credential.kind,
            level=credential.level,
            hours=credential.duration_hours,
            url=credential.url,
            source=link.source,
            confidence=link.confidence,
            evidence=link.evidence,
        )
        for link, credential in session.execute(query)
    ]


# --- what the planner reads ------------------------------------------------------------------------------


def credential_offers(
    session: Session,
    skill_ids: Sequence[str] | None = None,
    *,
    credential_ids: Sequence[str] | None = None,
    unaligned: bool = False,
) -> list[CredentialOffer]:
    """Active credentials with their aligned skills (skill → confidence), optionally only for ``skill_ids``.

    ``unaligned``: also credentials with no served alignment (``teaches`` empty), which the planner may
    still link to a target's skills in context (``planning.offers.OfferFilters.context``).
    One joined query: the planner calls this on every request, so it must not fan out.
    """
    # Typed as Any: sqlmodel's select overloads stop at fewer columns than this reads.
    query: Any = (
        select(
            col(Credential.id).label("credential_id"),
            col(CredentialSkill.skill_id),
            col(CredentialSkill.confidence),
            col(Credential.title),
            col(Credential.provider),
            col(Credential.kind),
            col(Credential.level),
            col(Credential.duration_hours),
            col(Credential.duration_text),
            col(Credential.cost),
            col(Credential.currency),
            col(Credential.review_count),
            col(Credential.canonical_key),
            col(Credential.url),
            col(Credential.language),
            col(Credential.skill_tags),
            col(Credential.description),
        )
        .select_from(Credential)
        .join(CredentialSkill, col(Credential.id) == col(CredentialSkill.credential_id), isouter=unaligned)
        .where(col(Credential.active))
        # In a fixed order: the planner keeps the first of one offering's several ids, and without it the
        # query plan (which an index can change) decided which one a learner saw.
        .order_by(col(Credential.id), col(CredentialSkill.skill_id))
    )
    if skill_ids is not None:
        query = query.where(col(CredentialSkill.skill_id).in_(list(skill_ids)))
    if credential_ids is not None:
        query = query.where(col(Credential.id).in_(list(credential_ids)))
    offers: dict[str, CredentialOffer] = {}
    teaches: dict[str, dict[str, float]] = {}
    for row in session.execute(query):
        credential = row.credential_id
        if credential not in offers:
            teaches[credential] = {}
            offers[credential] = CredentialOffer(
                id=credential,
                title=row.title,
                provider=row.provider,
                kind=row.kind,
                level=row.level,
                hours=row.duration_hours,
                duration_text=row.duration_text,
                cost=row.cost,
                currency=row.currency,
                reviews=row.review_count,
                canonical_key=row.canonical_key,
                url=row.url,
                language=row.language,
                teaches=teaches[credential],
                text=" | ".join(part for part in (row.title, *(row.skill_tags or ()), row.description) if part),
            )
        if row.skill_id is not None:
            teaches[credential][row.skill_id] = float(row.confidence)
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


# --- inferred alignments (written by the build pipeline) ------------------------------------------------


_InputsQuery = Select[str, str, list[str], str | None, str, float | None]


def _alignment_inputs() -> _InputsQuery:
    # One column list for fitting and for serving: the judged pairs the model is fitted on must carry the
    # same features (hours included) as the credentials it then scores.
    return select(
        col(Credential.id),
        col(Credential.title),
        col(Credential.skill_tags),
        col(Credential.description),
        col(Credential.content_hash),
        col(Credential.duration_hours),
    ).where(col(Credential.active))


def _read_inputs(session: Session, query: _InputsQuery) -> list[AlignmentInput]:
    return [
        AlignmentInput(id=i, title=t, skill_tags=s, description=d, content_hash=h, hours=hours)
        for i, t, s, d, h, hours in session.execute(query)
    ]


def credentials_to_align(session: Session, everything: bool) -> list[AlignmentInput]:
    """Active credentials whose skills must be (re)inferred: changed since last time, or all."""
    query = _alignment_inputs()
    if not everything:
        query = query.where(
            (col(Credential.aligned_hash).is_(None)) | (col(Credential.aligned_hash) != col(Credential.content_hash))
        )
    return _read_inputs(session, query.order_by(col(Credential.id)))


def tag_frequencies(session: Session) -> tuple[dict[str, int], int]:
    """How many active credentials carry each tag (case-folded), and how many active credentials there are."""
    counts: dict[str, int] = {}
    total = 0
    for (tags,) in session.execute(select(col(Credential.skill_tags)).where(col(Credential.active))):
        total += 1
        for tag in {t.casefold() for t in tags or ()}:
            counts[tag] = counts.get(tag, 0) + 1
    return counts, total


def credentials_by_id(session: Session, credential_ids: Sequence[str]) -> list[AlignmentInput]:
    """The alignment inputs of the given active credentials (those that exist)."""
    out: list[AlignmentInput] = []
    ids = list(dict.fromkeys(credential_ids))
    for start in range(0, len(ids), 500):
        out += _read_inputs(session, _alignment_inputs().where(col(Credential.id).in_(ids[start : start + 500])))
    return out


def served_alignment_keys(session: Session) -> set[tuple[str, str]]:
    """(credential, skill) of every inferred alignment of an active credential."""
    query = (
        select(col(CredentialSkill.credential_id), col(CredentialSkill.skill_id))
        .join(Credential, col(Credential.id) == col(CredentialSkill.credential_id))
        .where(col(Credential.active), col(CredentialSkill.source) == Evidence.INFERRED)
    )
    return {(c, s) for c, s in session.execute(query)}


def replace_inferred_skills(
    session: Session, alignments: Mapping[str, Sequence[InferredSkill]], content_hashes: Mapping[str, str]
) -> int:
    """For each credential given, replace its ``inferred`` skills and record the content they came from."""
    ids = list(alignments)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        session.execute(
            delete(CredentialSkill).where(
                col(CredentialSkill.credential_id).in_(batch), col(CredentialSkill.source) == Evidence.INFERRED
            )
        )
    # A skill the issuer declared (OB 3.0 / CTDL imports) stays declared: inference never duplicates it.
    declared: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 500):
        query = select(col(CredentialSkill.credential_id), col(CredentialSkill.skill_id)).where(
            col(CredentialSkill.credential_id).in_(ids[start : start + 500])
        )
        declared |= {(c, s) for c, s in session.execute(query)}
    rows = [
        {
            "credential_id": credential,
            "source": Evidence.INFERRED.value,
            "skill_id": skill.skill_id,
            "confidence": skill.confidence,
            "evidence": skill.evidence,
        }
        for credential, found in alignments.items()
        for skill in found
        if (credential, skill.skill_id) not in declared
    ]
    for start in range(0, len(rows), 2000):
        session.execute(insert(CredentialSkill), rows[start : start + 2000])
    for credential, digest in content_hashes.items():
        session.execute(update(Credential).where(col(Credential.id) == credential).values(aligned_hash=digest))
    return len(rows)
