"""Employers' job postings: create (with skill extraction and occupation matching), list, correct, close, delete.

A posting's skills come from three places: the description (``extracted``, with the phrase, its offsets and
the score), the employer's list (``explicit``) and the employer's later corrections (``corrected``: an added
skill, a changed importance, or a removal kept as a tombstone). Re-extraction after a new description
replaces only the ``extracted`` rows and never a skill the employer named or corrected, so corrections survive.
"""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from credpath.errors import InvalidInputError, LimitExceededError, NotFoundError
from credpath.services import views
from credpath.services.access import Caller, record
from credpath.services.semantic import SemanticService
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import postings as posting_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.tables import JobPosting, PostingSkill
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import (
    ESCO_OCCUPATION_PREFIX,
    ESCO_SKILL_PREFIX,
    AuditAction,
    AuditEntity,
    PostingSkillSource,
    PostingStatus,
    PostingVisibility,
    RelationType,
    Scope,
    Taxonomy,
    expand_esco_id,
)

__all__ = [
    "MAX_BATCH_CHARACTERS",
    "PostingChanges",
    "PostingSkillSpec",
    "PostingSpec",
    "PostingText",
    "check_batch",
    "create_posting",
    "create_postings",
    "delete_posting",
    "ensure_posting",
    "get_posting",
    "list_postings",
    "read_changes",
    "read_posting_text",
    "read_postings",
    "require_posting",
    "update_posting",
]

# A batch is one request: 100 postings of about 2,000 characters each (about 4,000 texts to encode, ~20 s on
# one core) is the most one call may ask for; each description alone may have up to 20,000.
MAX_BATCH_CHARACTERS = 200_000
# A sentence that says a skill is a plus makes the skills extracted from it optional; everything else
# extracted is essential (an ad lists what it needs, and the employer corrects what is not).
_OPTIONAL_CUE = re.compile(
    r"\b(nice to have|a plus|is a bonus|bonus|preferred|preferably|desirable|ideally|advantageous|an advantage"
    r"|would be great|optional)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingSkillSpec:
    """A skill the employer names, with its importance."""

    skill_id: str
    importance: RelationType = RelationType.ESSENTIAL


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingSpec:
    """A posting to create."""

    title: str
    description: str
    location: str | None = None
    url: str | None = None
    skills: tuple[PostingSkillSpec, ...] = ()
    occupation_id: str | None = None
    status: PostingStatus = PostingStatus.OPEN
    visibility: PostingVisibility = PostingVisibility.PRIVATE
    external_ref: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingChanges:
    """What a PATCH changes (None: unchanged), and corrections to the skill list."""

    title: str | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None
    occupation_id: str | None = None
    status: PostingStatus | None = None
    visibility: PostingVisibility | None = None
    add_skills: tuple[PostingSkillSpec, ...] = ()
    remove_skills: tuple[str, ...] = ()


def _now() -> datetime:
    return datetime.now(UTC)


def require_posting(session: Session, tenant: TenantScope, posting_id: str, *, lock: bool = False) -> JobPosting:
    """The posting if the scope sees it.

    Raises:
        NotFoundError: no such posting, or another organisation's (ids cannot be probed).
    """
    posting = posting_repo.get_posting(session, tenant, posting_id, for_update=lock)
    if posting is None:
        raise NotFoundError(f"no job posting with id {posting_id!r}")
    return posting


def _occupation_ref(session: Session, occupation_id: str | None, score: float | None) -> views.OccupationRef | None:
    if occupation_id is None:
        return None
    occupation = occupation_repo.get_occupation(session, occupation_id)
    if occupation is None:
        return None
    return views.OccupationRef(
        occupation_id=occupation.id,
        label=occupation.preferred_label,
        taxonomy=Taxonomy(occupation.taxonomy),
        score=score,
    )


def _view(session: Session, posting: JobPosting, rows: Sequence[tuple[PostingSkill, str]]) -> views.PostingView:
    return views.PostingView(
        id=posting.id,
        title=posting.title,
        description=posting.text,
        location=posting.location,
        url=posting.url,
        status=PostingStatus(posting.status),
        visibility=PostingVisibility(posting.visibility),
        occupation=_occupation_ref(
            session, posting.occupation_id, None if posting.occupation_given else posting.occupation_score
        ),
        onet_occupation=_occupation_ref(session, posting.onet_occupation_id, posting.onet_score),
        skills=[
            views.PostingSkillView(
                skill_id=row.skill_id,
                label=label,
                importance=RelationType(row.relation_type),
                source=PostingSkillSource(row.source),
                score=row.score,
                phrase=row.phrase,
                start=row.start,
                end=row.end,
            )
            for row, label in sorted(rows, key=lambda r: (r[0].relation_type != RelationType.ESSENTIAL, r[1]))
        ],
        created_at=posting.created_at,
        updated_at=posting.updated_at,
    )


def _views(session: Session, tenant: TenantScope, postings: Sequence[JobPosting]) -> list[views.PostingView]:
    rows = posting_repo.posting_skill_rows(session, tenant, [p.id for p in postings])
    return [_view(session, p, rows.get(p.id, [])) for p in postings]


def _skill_ids(session: Session, skills: Sequence[str]) -> list[str]:
    ids = [expand_esco_id(s, ESCO_SKILL_PREFIX) for s in skills]
    unknown = sorted(set(ids) - skill_repo.existing_skill_ids(session, ids))
    if unknown:
        raise NotFoundError(f"unknown ESCO skill id(s): {', '.join(unknown[:5])}")
    return ids


@dataclass(frozen=True, slots=True)
class PostingText:
    """What the encoder reads in a posting: the description's skill mentions and the title's occupations.

    Computed before the posting's write transaction, never inside it: extraction takes seconds for a long
    description (minutes for a batch), and a write transaction holds SQLite's one write lock, so doing it
    inside stalled every other write of every process for that long.
    """

    mentions: tuple[views.SkillMention, ...] = ()
    esco: views.OccupationMatch | None = None
    onet: views.OccupationMatch | None = None


def read_posting_text(semantic: SemanticService, title: str | None, description: str | None) -> PostingText:
    """Extract the description's skills and match the title to ESCO and O*NET (either may be ``None``: skipped).

    Needs no session: call it before the write transaction (see :class:`PostingText`).
    """
    mentions = semantic.extract_skills(description).mentions if description and description.strip() else []
    esco: views.OccupationMatch | None = None
    onet: views.OccupationMatch | None = None
    if title and title.strip():
        found = semantic.match_occupations([title.strip()], 1, Taxonomy.ESCO).results[0].matches
        esco = found[0] if found else None
        found = semantic.match_occupations([title.strip()], 1, Taxonomy.ONET).results[0].matches
        onet = found[0] if found else None
    return PostingText(tuple(mentions), esco, onet)


def _match_occupations(posting: JobPosting, text: PostingText) -> None:
    """The nearest ESCO and O*NET occupations for the title (the ESCO one only when the employer gave none)."""
    if not posting.occupation_given:
        posting.occupation_id = text.esco.occupation_id if text.esco else None
        posting.occupation_score = text.esco.score if text.esco else None
    posting.onet_occupation_id = text.onet.occupation_id if text.onet else None
    posting.onet_score = text.onet.score if text.onet else None


def _given_occupation(session: Session, posting: JobPosting, occupation_id: str) -> None:
    occupation = occupation_repo.get_occupation(session, expand_esco_id(occupation_id, ESCO_OCCUPATION_PREFIX))
    if occupation is None:
        raise NotFoundError(f"no occupation with id {occupation_id!r}")
    if occupation.taxonomy != Taxonomy.ESCO:
        raise InvalidInputError("occupation_id must be an ESCO occupation (the O*NET one is matched from the title)")
    posting.occupation_id, posting.occupation_score, posting.occupation_given = occupation.id, None, True


def _extract(posting_id: str, mentions: Sequence[views.SkillMention]) -> list[PostingSkill]:
    """The description's skills, once each (its best-scoring mention), essential unless the sentence says a plus."""
    best: dict[str, PostingSkill] = {}
    for mention in mentions:
        current = best.get(mention.skill_id)
        if current is not None and (current.score or 0.0) >= mention.score:
            continue
        optional = _OPTIONAL_CUE.search(mention.sentence) is not None
        best[mention.skill_id] = PostingSkill(
            posting_id=posting_id,
            skill_id=mention.skill_id,
            relation_type=RelationType.OPTIONAL if optional else RelationType.ESSENTIAL,
            source=PostingSkillSource.EXTRACTED,
            score=mention.score,
            phrase=mention.text,
            start=mention.start,
            end=mention.end,
        )
    return list(best.values())


def _reextract(session: Session, tenant: TenantScope, posting: JobPosting, text: PostingText) -> None:
    """Replace the extracted skills; a skill the employer named, corrected or removed keeps its row."""
    stored = posting_repo.posting_skill_rows(session, tenant, [posting.id], include_removed=True)[posting.id]
    kept = {row.skill_id for row, _label in stored if row.source != PostingSkillSource.EXTRACTED}
    posting_repo.remove_posting_skills(
        session, posting.id, [row.skill_id for row, _label in stored if row.source == PostingSkillSource.EXTRACTED]
    )
    posting_repo.put_posting_skills(
        session, [row for row in _extract(posting.id, text.mentions) if row.skill_id not in kept]
    )


def _create(session: Session, caller: Caller, spec: PostingSpec, text: PostingText) -> JobPosting:
    if not spec.title.strip() or not spec.description.strip():
        raise InvalidInputError("title and description must not be blank")
    posting = JobPosting(
        id=uuid.uuid4().hex,
        title=spec.title.strip(),
        text=spec.description,
        location=spec.location,
        url=spec.url,
        status=spec.status,
        visibility=spec.visibility,
        external_ref=spec.external_ref,
    )
    if spec.occupation_id is not None:
        _given_occupation(session, posting, spec.occupation_id)
    explicit = dict(zip(_skill_ids(session, [s.skill_id for s in spec.skills]), spec.skills, strict=True))
    _match_occupations(posting, text)
    posting_repo.add_posting(session, caller.tenant, posting)
    rows = [
        PostingSkill(
            posting_id=posting.id, skill_id=skill_id, relation_type=given.importance, source=PostingSkillSource.EXPLICIT
        )
        for skill_id, given in explicit.items()
    ]
    rows += [row for row in _extract(posting.id, text.mentions) if row.skill_id not in explicit]
    posting_repo.put_posting_skills(session, rows)
    record(session, caller, AuditAction.CREATE, AuditEntity.POSTING, posting.id)
    return posting


def create_posting(session: Session, caller: Caller, spec: PostingSpec, text: PostingText) -> views.PostingView:
    """Store a posting under the caller's organisation, with its extracted and explicit skills and occupations.

    ``text`` is :func:`read_posting_text` of the spec's title and description, computed beforehand.

    Raises:
        PermissionDeniedError: a key without ``postings:write``.
        NotFoundError: an unknown skill or occupation id.
        InvalidInputError: a blank title or description.
    """
    caller.require(Scope.POSTINGS_WRITE)
    posting = _create(session, caller, spec, text)
    return _views(session, caller.tenant, [posting])[0]


def check_batch(caller: Caller, specs: Sequence[PostingSpec]) -> None:
    """Refuse a batch before any work is spent on it: the scope, and the descriptions' total size.

    Raises:
        PermissionDeniedError: a key without ``postings:write``.
        LimitExceededError: more than :data:`MAX_BATCH_CHARACTERS` of descriptions.
    """
    caller.require(Scope.POSTINGS_WRITE)
    characters = sum(len(spec.description) for spec in specs)
    if characters > MAX_BATCH_CHARACTERS:
        raise LimitExceededError(
            f"the batch's descriptions hold {characters:,} characters; at most {MAX_BATCH_CHARACTERS:,} per request"
        )


def read_postings(semantic: SemanticService, caller: Caller, specs: Sequence[PostingSpec]) -> list[PostingText]:
    """The work before the write transaction: scope and size checks first (cheap), then each spec's text read.

    Raises:
        PermissionDeniedError: a key without ``postings:write``.
        LimitExceededError: more than :data:`MAX_BATCH_CHARACTERS` of descriptions.
    """
    check_batch(caller, specs)
    return [read_posting_text(semantic, spec.title, spec.description) for spec in specs]


def read_changes(semantic: SemanticService, caller: Caller, changes: PostingChanges) -> PostingText:
    """The work before an update's write transaction: the changed title and description read (scope first)."""
    caller.require(Scope.POSTINGS_WRITE)
    return read_posting_text(semantic, changes.title, changes.description)


def create_postings(
    session: Session, caller: Caller, specs: Sequence[PostingSpec], texts: Sequence[PostingText]
) -> views.PostingBatch:
    """Store several postings in the caller's transaction: one bad posting fails them all (nothing is stored).

    ``texts`` are :func:`read_posting_text` of each spec, in order, computed beforehand.
    """
    check_batch(caller, specs)
    postings = [_create(session, caller, spec, text) for spec, text in zip(specs, texts, strict=True)]
    return views.PostingBatch(items=_views(session, caller.tenant, postings))


def ensure_posting(
    session: Session, semantic: SemanticService, caller: Caller, spec: PostingSpec
) -> tuple[views.PostingView, bool]:
    """Create the posting unless the caller's organisation already holds one with ``spec.external_ref``.

    Returns:
        The posting, and whether it was created now (idempotent loaders such as ``credpath demo``).
    """
    if spec.external_ref is not None:
        found = posting_repo.get_posting_by_ref(session, caller.tenant, spec.external_ref)
        if found is not None:
            return _views(session, caller.tenant, [found])[0], False
    return create_posting(session, caller, spec, read_posting_text(semantic, spec.title, spec.description)), True


def get_posting(session: Session, caller: Caller, posting_id: str) -> views.PostingView:
    """One posting the caller's organisation owns."""
    return _views(session, caller.tenant, [require_posting(session, caller.tenant, posting_id)])[0]


def list_postings(
    session: Session,
    caller: Caller,
    *,
    status: PostingStatus | None = None,
    occupation_id: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> views.PostingPage:
    """The caller's organisation's postings, newest first, optionally of one status or occupation."""
    occupation = None if occupation_id is None else expand_esco_id(occupation_id, ESCO_OCCUPATION_PREFIX)
    rows, total = posting_repo.list_postings(
        session, caller.tenant, status=status, occupation_id=occupation, limit=limit, offset=offset
    )
    return views.PostingPage(items=_views(session, caller.tenant, rows), total=total, limit=limit, offset=offset)


def _correct(session: Session, tenant: TenantScope, posting: JobPosting, changes: PostingChanges) -> None:
    added = _skill_ids(session, [s.skill_id for s in changes.add_skills])
    removed = _skill_ids(session, list(changes.remove_skills))
    if set(added) & set(removed):
        raise InvalidInputError("a skill cannot be both added and removed in one request")
    stored = {
        row.skill_id: row
        for row, _label in posting_repo.posting_skill_rows(session, tenant, [posting.id], include_removed=True)[
            posting.id
        ]
    }
    rows = []
    for skill_id, given in zip(added, changes.add_skills, strict=True):
        row = stored.get(skill_id) or PostingSkill(posting_id=posting.id, skill_id=skill_id)
        row.relation_type, row.source, row.removed = given.importance, PostingSkillSource.CORRECTED, False
        rows.append(row)
    for skill_id in removed:
        row = stored.get(skill_id) or PostingSkill(posting_id=posting.id, skill_id=skill_id)
        row.source, row.removed = PostingSkillSource.CORRECTED, True
        rows.append(row)
    posting_repo.put_posting_skills(session, rows)


def update_posting(
    session: Session, caller: Caller, posting_id: str, changes: PostingChanges, text: PostingText
) -> views.PostingView:
    """Change fields, correct the skill list, close or reopen; a new description is re-extracted.

    Corrections are applied before re-extraction, and re-extraction never touches a corrected skill.
    ``text`` is :func:`read_posting_text` of the changed title and description, computed beforehand.
    """
    caller.require(Scope.POSTINGS_WRITE)
    tenant = caller.tenant
    posting = require_posting(session, tenant, posting_id, lock=True)
    for name in ("location", "url", "status", "visibility"):
        value = getattr(changes, name)
        if value is not None:
            setattr(posting, name, value)
    if changes.occupation_id is not None:
        _given_occupation(session, posting, changes.occupation_id)
    if changes.title is not None and changes.title.strip() and changes.title.strip() != posting.title:
        posting.title = changes.title.strip()
        _match_occupations(posting, text)
    elif changes.title is not None and not changes.title.strip():
        raise InvalidInputError("title must not be blank")
    _correct(session, tenant, posting, changes)
    if changes.description is not None:
        if not changes.description.strip():
            raise InvalidInputError("description must not be blank")
        if changes.description != posting.text:
            posting.text = changes.description
            _reextract(session, tenant, posting, text)
    posting.updated_at = _now()
    session.flush()
    record(session, caller, AuditAction.UPDATE, AuditEntity.POSTING, posting.id)
    return _views(session, tenant, [posting])[0]


def delete_posting(session: Session, caller: Caller, posting_id: str) -> None:
    """Delete a posting and its skills."""
    caller.require(Scope.POSTINGS_WRITE)
    require_posting(session, caller.tenant, posting_id, lock=True)
    posting_repo.delete_posting(session, caller.tenant, posting_id)
    record(session, caller, AuditAction.DELETE, AuditEntity.POSTING, posting_id)
