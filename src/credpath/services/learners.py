"""Learners: stored profiles, and what a learner given inline or by id holds.

A stored profile keeps skills with their evidence, the credentials held, and consent to be discoverable by employers;
gap analysis and recommendations read what a learner holds through :func:`resolve_held`.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from credpath.errors import InvalidInputError, NotFoundError
from credpath.planning.gaps import GapAnalysis, HeldSkill, skills_to_record
from credpath.planning.wishes import asked_requirements, weight_by_wishes
from credpath.services import views
from credpath.services.access import Caller, record
from credpath.services.semantic import SemanticService
from credpath.services.taxonomy_snapshot import taxonomy_snapshot
from credpath.skills.experience import EXPERIENCE_PROFICIENCY, ROLE_MATCH, role_phrases, unheld_spans
from credpath.skills.qualifications import SUBJECT_MATCH, qualification_subjects
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import learners as learner_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.repositories.learners import LearnerSkillRow
from credpath.storage.tables import Learner
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import (
    ESCO_SKILL_PREFIX,
    AuditAction,
    AuditEntity,
    Evidence,
    RelationType,
    Scope,
    Taxonomy,
    expand_esco_id,
)

__all__ = [
    "Held",
    "LearnerSpec",
    "TextReading",
    "credit_current_role",
    "delete_learner",
    "get_learner",
    "read_text",
    "record_learner",
    "record_skills",
    "remove_skill",
    "resolve_held",
    "resolve_learner",
    "update_learner",
    "weigh_asks",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class LearnerSpec:
    """A learner given inline: ESCO skill ids, free text, and credentials already held."""

    skills: tuple[str, ...] = ()
    text: str | None = None
    credentials: tuple[str, ...] = ()
    proficiency: Mapping[str, float] = field(default_factory=dict)
    held: tuple[HeldSkill, ...] = ()
    languages: tuple[str, ...] = ()
    level: str | None = None


@dataclass(frozen=True, slots=True)
class TextReading:
    """The ESCO skills a learner's free text names, in reading order: as held, and inside wishes and denials."""

    held: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()


def read_text(semantic: SemanticService, text: str | None) -> TextReading:
    """The skills ``text`` names, split by whether its writer holds them or says they want or lack them.

    A skill named in a wish ("I want to move into DevOps") or a denial ("Never touched SQL or Power BI")
    is what the learner lacks, not what they hold (``skills.experience.unheld_spans``): read as held, it
    lowered the very gap they came to close. Of the 93 skills found in the 83 personas' texts, 34 sat in wishes
    (*machine learning* for a would-be ML engineer, *tools for ICT test automation* for a manual tester
    "wanting to move into test automation") and 2 in a denial (*SQL* for a would-be analyst who never touched it).
    Those are what the learner asks for (``planning.wishes``).

    Needs no session. Writers run it (through :func:`resolve_held`) before their write transaction, which on
    SQLite holds the database's one write lock, so the encoder's time is never spent holding it.
    """
    if not text or not text.strip():
        return TextReading()
    unheld = unheld_spans(text)
    held: list[str] = []
    asked: list[str] = []
    for mention in semantic.extract_skills(text).mentions:
        # Overlap, not containment: the linker's phrase for a wish may begin before its goal word ("I want to
        # move into GIS" is one phrase).
        inside = any(mention.start < end and start < mention.end for start, end in unheld)
        (asked if inside else held).append(mention.skill_id)
    # What a stated qualification names is held too ("accounting & finance degree"), unless it is a wish
    # ("I want to do a nursing degree"); skills.qualifications.
    subjects = [
        s.text
        for s in qualification_subjects(text)
        if not any(s.start < end and start < s.end for start, end in unheld)
    ]
    if subjects:
        for result in semantic.match_skills(subjects, 1).results:
            best = result.matches[0] if result.matches else None
            if best is not None and best.score >= SUBJECT_MATCH and best.skill_id not in held:
                held.append(best.skill_id)
    return TextReading(tuple(held), tuple(asked))


def weigh_asks(
    semantic: SemanticService, analysis: GapAnalysis, reading: TextReading
) -> tuple[GapAnalysis, frozenset[str]]:
    """``analysis`` with the requirements the learner's text asks for weighing more, and those requirements.

    ``planning.wishes``: gap analysis, recommendations and the closest roles all weigh a learner's asks alike,
    so a role's readiness is the same wherever it is shown.
    """
    if not reading.asked:
        return analysis, frozenset()
    required = [item.skill_id for item in analysis.items]
    named = list(reading.asked)
    asked = asked_requirements(named, required, semantic.skill_similarity(named, required))
    return weight_by_wishes(analysis, asked), asked


def _stored_learner(session: Session, tenant: TenantScope, learner_id: str) -> LearnerSpec:
    """A stored learner's skills (with their recorded evidence) and credentials."""
    stored = _require(session, tenant, learner_id)
    held = tuple(
        HeldSkill(row.skill_id, row.evidence, row.proficiency)
        for row, _label in learner_repo.learner_skills(session, tenant, learner_id)
    )
    return LearnerSpec(
        credentials=tuple(learner_repo.learner_credentials(session, tenant, learner_id)),
        held=held,
        languages=tuple(stored.languages or ()),
        level=stored.level,
    )


def resolve_learner(
    session: Session, caller: Caller, learner: LearnerSpec | None, learner_id: str | None
) -> LearnerSpec:
    """The learner a request is about: given inline (a public read), or stored under ``learner_id``.

    Raises:
        InvalidInputError: both or neither were given.
        AuthenticationError: a stored learner asked for without a key.
        PermissionDeniedError: a stored learner asked for by a key without ``learners:read``.
        NotFoundError: no learner the caller may see is stored under ``learner_id``.
    """
    if (learner is None) == (learner_id is None):
        raise InvalidInputError("give exactly one of learner (inline) or learner_id (stored)")
    if learner_id is not None:
        caller.require(Scope.LEARNERS_READ)
        return _stored_learner(session, caller.tenant, learner_id)
    assert learner is not None  # noqa: S101 - exactly one is set, checked above
    return learner


# What resolve_held finds: the skills held with their evidence, and the credential ids held.
Held = tuple[list[HeldSkill], set[str]]


def resolve_held(
    session: Session, semantic: SemanticService, learner: LearnerSpec, reading: TextReading | None = None
) -> Held:
    """Everything the learner holds, with evidence: credentials (verified) > declared skills > text (inferred).

    ``reading``: the learner's text as :func:`read_text` gives it, when the caller has read it already.
    """
    skills = [expand_esco_id(s, ESCO_SKILL_PREFIX) for s in learner.skills]
    unknown = sorted(set(skills) - skill_repo.existing_skill_ids(session, skills))
    if unknown:
        raise NotFoundError(f"unknown ESCO skill id(s): {', '.join(unknown[:5])}")
    credentials = list(dict.fromkeys(learner.credentials))
    missing = sorted(set(credentials) - credential_repo.existing_credential_ids(session, credentials))
    if missing:
        raise NotFoundError(f"unknown credential id(s): {', '.join(missing[:5])}")
    held = list(learner.held)
    held += [HeldSkill(s, Evidence.DECLARED, learner.proficiency.get(s)) for s in skills]
    text_skills = (reading or read_text(semantic, learner.text)).held
    held += [HeldSkill(skill, Evidence.INFERRED) for skill in text_skills]
    if credentials:
        for offer in credential_repo.credential_offers(session, None, credential_ids=credentials):
            # A held credential vouches for its skills as far as its alignment is confident.
            held += [HeldSkill(s, Evidence.VERIFIED, confidence, offer.id) for s, confidence in offer.teaches.items()]
    return held, set(credentials)


def credit_current_role(
    session: Session, semantic: SemanticService, text: str | None, held: Sequence[HeldSkill]
) -> tuple[list[HeldSkill], views.CurrentRole | None]:
    """The job the learner's text names now, and its essential skills as partly held (``skills.experience``).

    A phrase of the text that is not a wish must match an ESCO occupation's titles at
    :data:`~credpath.skills.experience.ROLE_MATCH` or better; that occupation's essential skills the learner
    does not already hold count as inferred evidence at
    :data:`~credpath.skills.experience.EXPERIENCE_PROFICIENCY`. Gap analysis, recommendations and the roles a
    learner is closest to all read a learner through this, so their readiness agrees.
    """
    phrases = role_phrases(text) if text else []
    # Without an occupations index (a partial build) the learner is read as before, not refused.
    if not phrases or semantic.indexes.get("occupations") is None:
        return [], None
    results = semantic.match_occupations(phrases, 1, Taxonomy.ESCO).results
    found = [(p, r.matches[0]) for p, r in zip(phrases, results, strict=True) if r.matches]
    if not found:
        return [], None
    phrase, best = max(found, key=lambda pm: pm[1].score)
    if best.score < ROLE_MATCH:
        return [], None
    named = {h.skill_id for h in held}
    # From the per-process snapshot: the same few roles come up again and again, and the query costs more
    # than the rest of reading the role.
    essential = taxonomy_snapshot(session).memo(
        ("essential-skills", best.occupation_id),
        lambda: tuple(
            skill_id
            for skill_id, relation in occupation_repo.occupation_esco_skill_ids(session, best.occupation_id)
            if relation == RelationType.ESSENTIAL
        ),
    )
    credited = [
        HeldSkill(skill_id, Evidence.INFERRED, EXPERIENCE_PROFICIENCY)
        for skill_id in essential
        if skill_id not in named
    ]
    role = views.CurrentRole(
        occupation_id=best.occupation_id,
        label=best.label,
        phrase=phrase,
        score=best.score,
        proficiency=EXPERIENCE_PROFICIENCY,
    )
    return credited, role


def _view(session: Session, tenant: TenantScope, learner: Learner) -> views.LearnerView:
    skills = [
        views.LearnerSkillView(
            skill_id=row.skill_id,
            label=label,
            evidence=Evidence(row.evidence),
            proficiency=row.proficiency,
            source_credential_id=row.source_credential_id,
        )
        for row, label in learner_repo.learner_skills(session, tenant, learner.id)
    ]
    return views.LearnerView(
        id=learner.id,
        name=learner.name,
        discoverable=learner.discoverable,
        discoverable_since=learner.discoverable_since,
        languages=list(learner.languages or ()),
        level=learner.level,
        skills=skills,
        credentials=sorted(learner_repo.learner_credentials(session, tenant, learner.id)),
        created_at=learner.created_at,
        updated_at=learner.updated_at,
    )


def _require(session: Session, tenant: TenantScope, learner_id: str, *, lock: bool = False) -> Learner:
    # Another organisation's learner is "not found", exactly like a missing one: ids cannot be probed.
    # Writers lock the learner first, so concurrent changes to one learner apply one after the other.
    learner = learner_repo.get_learner(session, tenant, learner_id, for_update=lock)
    if learner is None:
        raise NotFoundError(f"no learner with id {learner_id!r}")
    return learner


def record_skills(
    session: Session,
    semantic: SemanticService,
    caller: Caller,
    learner_id: str,
    *,
    skills: Sequence[str] = (),
    text: str | None = None,
    credentials: Sequence[str] = (),
    proficiency: Mapping[str, float] | None = None,
    resolved: Held | None = None,
) -> str:
    """Add skills given as ESCO ids (declared), free text (inferred) or held credentials (verified).

    Everything is validated before anything is written, so a bad id changes nothing. Stronger evidence
    is never overwritten by weaker (``planning.gaps.evidence_replaces``). ``resolved``: :func:`resolve_held`
    of these skills, text and credentials when the caller resolved them already, before the transaction (it
    validates the ids and runs the encoder). Returns the learner's id; the profile is read after the commit
    (:func:`get_learner`), so the write lock is not held while it is.
    """
    learner = _require(session, caller.tenant, learner_id, lock=True)
    _record_held(
        session,
        semantic,
        caller,
        learner,
        learner_repo.learner_evidence(session, learner),
        skills=skills,
        text=text,
        credentials=credentials,
        proficiency=proficiency,
        resolved=resolved,
    )
    learner.updated_at = datetime.now(UTC)
    record(session, caller, AuditAction.UPDATE, AuditEntity.LEARNER, learner.id)
    return learner.id


def _record_held(
    session: Session,
    semantic: SemanticService,
    caller: Caller,
    learner: Learner,
    stored: Mapping[str, str],
    *,
    skills: Sequence[str],
    text: str | None,
    credentials: Sequence[str],
    proficiency: Mapping[str, float] | None,
    resolved: Held | None,
) -> None:
    # Statements here run under the database's write lock (on SQLite, every writer's), and under load
    # each one costs a wait for the interpreter lock: the fewer, the shorter every other writer's wait.
    if resolved is None:
        spec = LearnerSpec(
            skills=tuple(skills), text=text, credentials=tuple(credentials), proficiency=dict(proficiency or {})
        )
        resolved = resolve_held(session, semantic, spec)
    held, held_credentials = resolved
    declared = {expand_esco_id(s, ESCO_SKILL_PREFIX) for s in skills}
    rows = [
        LearnerSkillRow(
            skill_id=h.skill_id,
            evidence=h.evidence,
            proficiency=h.proficiency,
            # A skill the learner also declared is theirs, whichever credential teaches it too.
            source_credential_id=h.credential_id
            if h.evidence == Evidence.VERIFIED and h.skill_id not in declared
            else None,
        )
        for h in skills_to_record(stored, held)
    ]
    learner_repo.write_learner_skills(session, learner, rows, existing=stored.keys())
    learner_repo.write_learner_credentials(session, learner, held_credentials)


def record_learner(
    session: Session,
    semantic: SemanticService,
    caller: Caller,
    *,
    name: str | None,
    discoverable: bool = False,
    skills: Sequence[str] = (),
    text: str | None = None,
    credentials: Sequence[str] = (),
    proficiency: Mapping[str, float] | None = None,
    languages: Sequence[str] = (),
    level: str | None = None,
    resolved: Held | None = None,
) -> str:
    """Create a learner owned by the caller's organisation; the whole request fails atomically on a bad id.

    ``resolved`` as for :func:`record_skills`. Returns the new learner's id (the profile is read after the
    commit, as for :func:`record_skills`).
    """
    learner = Learner(
        id=uuid.uuid4().hex,
        name=name,
        discoverable=discoverable,
        discoverable_since=datetime.now(UTC) if discoverable else None,
        languages=list(dict.fromkeys(languages)),
        level=level,
    )
    learner_repo.add_learner(session, caller.tenant, learner)
    record(session, caller, AuditAction.CREATE, AuditEntity.LEARNER, learner.id)
    # A new learner holds nothing yet: nothing to read back before writing.
    _record_held(
        session,
        semantic,
        caller,
        learner,
        {},
        skills=skills,
        text=text,
        credentials=credentials,
        proficiency=proficiency,
        resolved=resolved,
    )
    return learner.id


def get_learner(session: Session, caller: Caller, learner_id: str) -> views.LearnerView:
    """One learner the caller may see."""
    return _view(session, caller.tenant, _require(session, caller.tenant, learner_id))


def update_learner(
    session: Session,
    caller: Caller,
    learner_id: str,
    *,
    name: str | None = None,
    discoverable: bool | None = None,
    languages: Sequence[str] | None = None,
    level: str | None = None,
) -> views.LearnerView:
    """Change name, discoverability, the languages the learner studies in, or their level.

    ``discoverable: true`` records consent to appear as a candidate for any employer's postings, and when;
    ``false`` withdraws it at once (the next candidates request no longer sees the learner).
    """
    learner = _require(session, caller.tenant, learner_id, lock=True)
    if name is not None:
        learner.name = name
    if discoverable is not None and discoverable != learner.discoverable:
        learner.discoverable = discoverable
        learner.discoverable_since = datetime.now(UTC) if discoverable else None
    if languages is not None:
        learner.languages = list(dict.fromkeys(languages))
    if level is not None:
        learner.level = level
    learner.updated_at = datetime.now(UTC)
    session.flush()
    record(session, caller, AuditAction.UPDATE, AuditEntity.LEARNER, learner.id)
    return _view(session, caller.tenant, learner)


def remove_skill(session: Session, caller: Caller, learner_id: str, skill_id: str) -> views.LearnerView:
    """Remove one skill from a learner."""
    tenant = caller.tenant
    learner = _require(session, tenant, learner_id, lock=True)
    if not learner_repo.delete_learner_skill(session, tenant, learner.id, expand_esco_id(skill_id, ESCO_SKILL_PREFIX)):
        raise NotFoundError(f"learner {learner_id!r} does not hold skill {skill_id!r}")
    record(session, caller, AuditAction.UPDATE, AuditEntity.LEARNER, learner.id)
    return _view(session, tenant, learner)


def delete_learner(session: Session, caller: Caller, learner_id: str) -> None:
    """Delete a learner and everything stored about them."""
    _require(session, caller.tenant, learner_id, lock=True)
    if not learner_repo.delete_learner(session, caller.tenant, learner_id):
        raise NotFoundError(f"no learner with id {learner_id!r}")
    record(session, caller, AuditAction.DELETE, AuditEntity.LEARNER, learner_id)
