"""Gap analysis against a target role, and the credential pathway that closes the gap.

The service reads (the learner, the target's requirements, the aligned catalogue, labels), calls the
pure planning code (``planning.gaps``, ``planning.offers``), and turns the result into the response.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from threading import Lock
from typing import Any

from sqlmodel import Session

from credpath.errors import InvalidInputError, NotFoundError, UnresolvedTitleError
from credpath.planning.demand import weight_by_demand
from credpath.planning.gaps import GapAnalysis, HeldSkill, Requirement, compute_gaps
from credpath.planning.offers import (
    FIELD_RANK,
    NEAR_RANK,
    NEAR_ROLE_FLOOR,
    NEAREST_ABOUT,
    PROFILE_FLOOR,
    PROFILE_TOP,
    ROLE_CANDIDATES,
    ROLE_FLOOR,
    OfferCatalogue,
    OfferFilters,
    PlannedStep,
    context_links,
    named_links,
    priced_in_other_currencies,
    recommend_pathway,
    select_candidates,
)
from credpath.planning.pathways import PATHWAY_ALGORITHM, Budget
from credpath.planning.targets import choose_title, close_titles
from credpath.services import views
from credpath.services.access import ANONYMOUS, Caller
from credpath.services.demand import demand_shares
from credpath.services.learners import (
    LearnerSpec,
    credit_current_role,
    read_text,
    resolve_held,
    resolve_learner,
    weigh_asks,
)
from credpath.services.semantic import SemanticService
from credpath.services.taxonomy import esco_profile
from credpath.services.taxonomy_snapshot import taxonomy_snapshot
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import postings as posting_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.tenancy import TenantScope
from credpath.vocabulary import (
    CREDENTIAL_KINDS,
    ESCO_OCCUPATION_PREFIX,
    ESCO_SKILL_PREFIX,
    Evidence,
    GapStatus,
    RelationType,
    TargetKind,
    Taxonomy,
    expand_esco_id,
)

__all__ = [
    "ConstraintSpec",
    "TargetSpec",
    "aligned_catalogue",
    "analyse_gaps",
    "parse_accept_language",
    "recommend",
    "role_teachers",
    "study_languages",
]

LEVELS = frozenset({"beginner", "intermediate", "advanced", "mixed"})
# A pathway is short by default: a learner asked what to do next, not for a degree.
DEFAULT_MAX_CREDENTIALS = 5
# Without a stated level, a learner this far from the role is treated as a beginner in it.
BEGINNER_BELOW_READINESS = 0.3
# A target title whose best occupation scores under this is not planned for: below it, titles resolved to the
# wrong occupation on the hand-labelled sets (the 80 first vacancy titles and 63 persona titles: the lowest
# right one scored 0.668; Spanish and German titles score 0.28-0.60 against English labels), and a pathway
# for the wrong job is worse than a question. The nearest TITLE_CANDIDATES are returned to choose from.
TITLE_FLOOR = 0.65
TITLE_CANDIDATES = 5
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2})(?:-[a-zA-Z0-9]+)*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetSpec:
    """Exactly one of: an occupation (ESCO URI/UUID or O*NET-SOC code), a job title, a posting, skills."""

    occupation_id: str | None = None
    title: str | None = None
    posting_id: str | None = None
    skills: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstraintSpec:
    """Budget and filters for a pathway; ``currency`` is the ISO 4217 code of ``max_cost``."""

    max_credentials: int | None = None
    max_hours: float | None = None
    max_cost: float | None = None
    currency: str | None = None
    kinds: tuple[str, ...] | None = None
    providers: tuple[str, ...] | None = None
    levels: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    languages: tuple[str, ...] | None = None


_CATALOGUES: dict[str, tuple[tuple[Any, ...], OfferCatalogue]] = {}
_CATALOGUE_LOCK = Lock()


def aligned_catalogue(session: Session) -> OfferCatalogue:
    """The aligned catalogue, from a per-process snapshot.

    The snapshot is refreshed whenever the catalogue or its alignments change (a cheap version query),
    so several API replicas over one database stay consistent without a shared cache.
    """
    version = credential_repo.offers_version(session)
    key = str(session.get_bind().engine.url)
    with _CATALOGUE_LOCK:
        cached = _CATALOGUES.get(key)
        if cached is None or cached[0] != version:
            cached = _CATALOGUES[key] = (
                version,
                OfferCatalogue(credential_repo.credential_offers(session, unaligned=True)),
            )
    return cached[1]


def _echo(
    kind: TargetKind,
    requirements: int,
    *,
    occupation_id: str | None = None,
    label: str | None = None,
    taxonomy: Taxonomy | None = None,
    score: float | None = None,
) -> views.TargetEcho:
    return views.TargetEcho(
        kind=kind, occupation_id=occupation_id, label=label, taxonomy=taxonomy, score=score, requirements=requirements
    )


@dataclass(frozen=True, slots=True)
class _OccupationTarget:
    """What a pathway needs from an occupation: its requirements, its echo, and its label + description lead."""

    requirements: tuple[Requirement, ...]
    echo: views.TargetEcho
    about: str


def _load_occupation_target(session: Session, occupation_id: str) -> _OccupationTarget:
    occupation = occupation_repo.get_occupation(session, occupation_id)
    if occupation is None:
        raise NotFoundError(f"no occupation with id {occupation_id!r}")
    if occupation.taxonomy == Taxonomy.ESCO:
        requirements = [
            Requirement(skill_id, relation)
            for skill_id, relation in occupation_repo.occupation_esco_skill_ids(session, occupation.id)
        ]
    else:
        profile = esco_profile(session, occupation.id)
        entries = [] if profile is None else profile.essential_skills + profile.optional_skills
        # O*NET roles borrow ESCO skills; the share of linked ESCO occupations listing a skill is its importance.
        requirements = [Requirement(e.skill_id, e.relation_type, e.share) for e in entries]
    if not requirements:
        raise InvalidInputError(f"occupation {occupation.preferred_label!r} has no ESCO skill profile to compare with")
    echo = _echo(
        TargetKind.OCCUPATION,
        len(requirements),
        occupation_id=occupation.id,
        label=occupation.preferred_label,
        taxonomy=Taxonomy(occupation.taxonomy),
    )
    description = (occupation.description or "")[:300]
    about = f"{occupation.preferred_label}. {description}" if description else occupation.preferred_label
    return _OccupationTarget(tuple(requirements), echo, about)


def _occupation_target(session: Session, occupation_id: str) -> _OccupationTarget:
    """An occupation as a target, from the taxonomy snapshot (the taxonomy changes only on ingest)."""
    occupation_id = expand_esco_id(occupation_id, ESCO_OCCUPATION_PREFIX)
    return taxonomy_snapshot(session).memo(
        ("occupation_target", occupation_id), lambda: _load_occupation_target(session, occupation_id)
    )


def _occupation_requirements(session: Session, occupation_id: str) -> tuple[list[Requirement], views.TargetEcho]:
    target = _occupation_target(session, occupation_id)
    return list(target.requirements), target.echo


def _posting_requirements(
    session: Session, tenant: TenantScope, posting_id: str
) -> tuple[list[Requirement], views.TargetEcho]:
    # A learner may target its own organisation's postings and any public one; another's private posting is 404.
    found = posting_repo.target_posting_skills(session, tenant, posting_id)
    if found is None:
        raise NotFoundError(f"no job posting with id {posting_id!r}")
    posting, rows = found
    if not rows:
        raise InvalidInputError(f"job posting {posting_id!r} lists no skills")
    occupation = (
        None if posting.occupation_id is None else occupation_repo.get_occupation(session, posting.occupation_id)
    )
    return [Requirement(s, r) for s, r in rows], _echo(
        TargetKind.POSTING,
        len(rows),
        occupation_id=None if occupation is None else occupation.id,
        label=posting.title,
        taxonomy=None if occupation is None else Taxonomy(occupation.taxonomy),
        score=None if posting.occupation_given else posting.occupation_score,
    )


def _resolve_target(
    session: Session,
    semantic: SemanticService,
    target: TargetSpec,
    tenant: TenantScope,
    context: str | None = None,
) -> tuple[list[Requirement], views.TargetEcho]:
    """The weighted requirements of a target, and what the target resolved to.

    ``context`` (the learner's own text) chooses between occupations a title reads alike to
    (:func:`_title_choice`).
    """
    given = [name for name in ("occupation_id", "title", "posting_id", "skills") if getattr(target, name) is not None]
    if len(given) != 1:
        raise InvalidInputError(
            "target needs exactly one of occupation_id, title, posting_id, skills; got " + (", ".join(given) or "none")
        )
    if target.occupation_id is not None:
        return _occupation_requirements(session, target.occupation_id)
    if target.title is not None:
        if not target.title.strip():
            raise InvalidInputError("target.title is blank")
        matches = semantic.match_occupations([target.title], TITLE_CANDIDATES, Taxonomy.ESCO).results[0].matches
        best = max(matches, key=lambda m: m.score)
        if best.score < TITLE_FLOOR:
            raise UnresolvedTitleError(
                f"no occupation matches the title {target.title!r} with confidence (nearest: {best.label!r}, "
                f"{best.score:.2f} < {TITLE_FLOOR}); titles are matched in English. Send target.occupation_id, "
                "for example one of the candidates",
                [{"occupation_id": m.occupation_id, "label": m.label, "score": m.score} for m in matches],
            )
        best = _title_choice(semantic, matches, context)
        requirements, echo = _occupation_requirements(session, best.occupation_id)
        return requirements, _echo(
            TargetKind.TITLE,
            echo.requirements,
            occupation_id=echo.occupation_id,
            label=echo.label,
            taxonomy=echo.taxonomy,
            score=best.score,
        )
    if target.posting_id is not None:
        return _posting_requirements(session, tenant, target.posting_id)
    skills = [expand_esco_id(s, ESCO_SKILL_PREFIX) for s in target.skills or ()]
    if not skills:
        raise InvalidInputError("target.skills is empty: name at least one ESCO skill")
    unknown = sorted(set(skills) - skill_repo.existing_skill_ids(session, skills))
    if unknown:
        raise NotFoundError(f"unknown ESCO skill id(s) in target: {', '.join(unknown[:5])}")
    return [Requirement(s) for s in dict.fromkeys(skills)], _echo(TargetKind.SKILLS, len(set(skills)))


def _title_choice(
    semantic: SemanticService, matches: Sequence[views.OccupationMatch], context: str | None
) -> views.OccupationMatch:
    """The title's best match, or a close one the learner's text sits nearer (``planning.targets``).

    A title O*NET has word for word chooses among the ESCO occupations the crosswalk maps it onto, which
    ``match_occupations`` put first (``via_onet``): the learner's text reads beside the title, not against it.
    """
    crosswalked = [m for m in matches if m.via_onet is not None]
    matches = crosswalked or matches
    close = [matches[i] for i in close_titles([m.score for m in matches], TITLE_FLOOR)]
    if context is None or len(close) < 2:
        return matches[0]
    nearness = semantic.occupation_nearness(context, [m.occupation_id for m in close])
    return close[choose_title([m.score for m in close], [nearness.get(m.occupation_id, 0.0) for m in close])]


@dataclass(frozen=True, slots=True)
class _LearnerGaps:
    """The learner against the target: the gaps, what the target resolved to, and how the learner was read."""

    analysis: GapAnalysis
    echo: views.TargetEcho
    credentials: set[str]
    role: views.CurrentRole | None
    # Requirements the learner's text asks for (planning.wishes); they weigh more in ``analysis``.
    asked: frozenset[str]


def _analysis(
    session: Session,
    semantic: SemanticService,
    learner: LearnerSpec,
    target: TargetSpec,
    caller: Caller,
    *,
    demand: bool,
    catalogue: OfferCatalogue | None = None,
) -> _LearnerGaps:
    """Gaps between the learner and the target; ``catalogue``: the request's snapshot when it has one already."""
    requirements, echo = _resolve_target(session, semantic, target, caller.tenant, context=learner.text)
    reading = read_text(semantic, learner.text)
    held, credentials = resolve_held(session, semantic, learner, reading)
    # What the learner's job implies counts in part, below what they name: an adviser does not send a data
    # analyst to "Data – What It Is" (skills.experience).
    implied, role = credit_current_role(session, semantic, learner.text, held)
    held += implied
    about = _target_text(session, echo)
    if credentials and about is not None:
        # A held credential about the target vouches for the skills it would be linked to in that context,
        # so holding a recommended step closes what the step promised.
        links_by_credential = _role_context(
            catalogue or aligned_catalogue(session),
            semantic,
            about,
            echo.occupation_id,
            [r.skill_id for r in requirements],
            limit=len(credentials),
            credential_ids=sorted(credentials),
        )
        held += [
            HeldSkill(skill, Evidence.VERIFIED, confidence, credential)
            for credential, links in links_by_credential.items()
            for skill, confidence in links.items()
        ]
    analysis = compute_gaps(requirements, held, parents=semantic.skill_parents, similarity=semantic.skill_similarity)
    if demand:
        analysis = weight_by_demand(analysis, demand_shares(session, echo.occupation_id))
    analysis, asked = weigh_asks(semantic, analysis, reading)
    return _LearnerGaps(analysis, echo, credentials, role, asked)


def _role_context(
    catalogue: OfferCatalogue,
    semantic: SemanticService,
    about: str,
    occupation_id: str | None,
    skill_ids: Sequence[str],
    *,
    limit: int,
    credential_ids: Sequence[str] | None = None,
) -> dict[str, dict[str, float]]:
    """Credential → skill → confidence for the credentials about the target (``planning.offers.context_links``).

    About the target: at :data:`ROLE_FLOOR` to its text, or from :data:`NEAR_ROLE_FLOOR` when the target is
    among the credential's own :data:`NEAR_RANK` nearest occupations (``SemanticService.in_field``) or the
    credential is among the catalogue's :data:`NEAREST_ABOUT` nearest to the target.
    """
    fits = semantic.role_links(about, skill_ids, limit=limit, floor=NEAR_ROLE_FLOOR, credential_ids=credential_ids)
    below = [credential for credential, (relevance, _) in fits.items() if relevance < ROLE_FLOOR]
    near = (semantic.in_field(occupation_id, below, NEAR_RANK) if occupation_id and below else None) or set()
    if below:
        # role_links gives the catalogue's nearest first; for held credentials it scores only those, so the
        # catalogue's nearest are looked up (a learner holding the step the planner would give is linked alike).
        nearest = fits if credential_ids is None else semantic.role_links(about, [], limit=NEAREST_ABOUT, floor=0.0)
        near |= set(list(nearest)[:NEAREST_ABOUT])
    about_target = {c: fit for c, fit in fits.items() if fit[0] >= ROLE_FLOOR or c in near}
    links = context_links(about_target, role_floor=NEAR_ROLE_FLOOR)
    offers = catalogue.get(links)
    # A credential the catalogue gives only a title (no tags, no description: 231 of the bundle's 5,281) is near
    # the role by its title's words alone, which is how "Power Electronics" came to an electrician and
    # "Introduction to Forensic Science" to a digital forensics analyst; nothing else says what it teaches.
    bare = {offer.id for offer in offers if offer.text.strip() == offer.title.strip()}
    # A named skill (a language, a tool) is linked only where the credential's own words name it.
    texts = {offer.id: offer.text for offer in offers}
    return named_links({c: skills for c, skills in links.items() if c not in bare}, texts, semantic.labels.skills)


def role_teachers(
    session: Session,
    semantic: SemanticService,
    occupation_id: str,
    skill_ids: Sequence[str],
    catalogue: OfferCatalogue,
) -> dict[str, dict[str, float]]:
    """Credential → skill → confidence, linked as the planner links them for a role it plans towards.

    The credentials about the occupation (:func:`_role_context`) and in its field (:data:`FIELD_RANK`),
    each with the skills among ``skill_ids`` its text names, most about the role first. These links hold
    for this role only; empty when the occupation has no text to compare with. ``catalogue`` is the request's
    snapshot (:func:`aligned_catalogue`), for the credentials' own words.
    """
    try:
        about = _occupation_target(session, occupation_id).about
    except (NotFoundError, InvalidInputError):
        return {}
    context = _role_context(catalogue, semantic, about, occupation_id, skill_ids, limit=ROLE_CANDIDATES)
    kept = _written_for(session, semantic, occupation_id, list(context))
    return {c: links for c, links in context.items() if c in kept}


def _written_for(
    session: Session, semantic: SemanticService, occupation_id: str, credential_ids: Sequence[str]
) -> set[str]:
    """Of ``credential_ids``, those for the occupation's field (:data:`FIELD_RANK`) and near its work.

    Near its work: its essential skills (:data:`PROFILE_FLOOR`), not only its name. Credentials the indexes
    cannot score (imported since they were built) are kept: nothing says they are off the field or the work.
    """
    field = semantic.in_field(occupation_id, credential_ids, FIELD_RANK)
    kept = set(credential_ids) if field is None else field & set(credential_ids)
    try:
        target = _occupation_target(session, occupation_id)
    except (NotFoundError, InvalidInputError):
        return kept
    essential = [r.skill_id for r in target.requirements if r.relation == RelationType.ESSENTIAL]
    profile = semantic.skill_profile(list(kept), essential, PROFILE_TOP)
    return {c for c in kept if profile.get(c, PROFILE_FLOOR) >= PROFILE_FLOOR}


def analyse_gaps(
    session: Session,
    semantic: SemanticService,
    target: TargetSpec,
    *,
    learner: LearnerSpec | None = None,
    learner_id: str | None = None,
    caller: Caller = ANONYMOUS,
    demand: bool = False,
) -> views.GapResponse:
    """Every requirement of the target with its weight, coverage and status, and the readiness.

    The learner is given inline (``learner``) or stored (``learner_id``, which needs a ``caller`` with
    ``learners:read`` who may see that learner): exactly one of them. A posting target must be the caller's
    organisation's or public. ``demand`` weights requirements by open postings (``planning.demand``).

    Raises:
        InvalidInputError: both or neither learner given; a target that is not exactly one thing.
        NotFoundError: an unknown learner, occupation, posting, skill or credential.
    """
    spec = resolve_learner(session, caller, learner, learner_id)
    found = _analysis(session, semantic, spec, target, caller, demand=demand)
    analysis, echo, role = found.analysis, found.echo, found.role
    labels = taxonomy_snapshot(session).labels(session, [i.skill_id for i in analysis.items])
    order = sorted(analysis.items, key=lambda g: (-g.weight * g.remaining, labels.get(g.skill_id, "")))
    items = [
        views.GapItem(
            skill_id=g.skill_id,
            label=labels.get(g.skill_id, ""),
            relation=RelationType(g.relation),
            weight=g.weight,
            coverage=g.coverage,
            status=g.status,
            match=g.match,
            via_skill_id=g.via_skill_id,
            asked_for=g.skill_id in found.asked,
        )
        for g in order
    ]
    counts = analysis.counts
    return views.GapResponse(
        target=echo,
        readiness=analysis.readiness,
        covered=counts[GapStatus.COVERED],
        partial=counts[GapStatus.PARTIAL],
        missing=counts[GapStatus.MISSING],
        items=items,
        demand_used=demand,
        current_role=role,
    )


def _target_text(session: Session, echo: views.TargetEcho) -> str | None:
    """What the target role is about, for credential relevance: its label and the lead of its description."""
    if echo.occupation_id is None:
        return None
    try:
        return _occupation_target(session, echo.occupation_id).about
    except (NotFoundError, InvalidInputError):
        return None


def _budget(constraints: ConstraintSpec) -> Budget:
    for name in ("kinds", "providers", "levels"):
        value = getattr(constraints, name)
        if value is not None and not value:
            raise InvalidInputError(f"constraints.{name} is empty: omit it to allow any, or name at least one")
    if constraints.kinds and not set(constraints.kinds) <= CREDENTIAL_KINDS:
        unknown = sorted(set(constraints.kinds) - CREDENTIAL_KINDS)
        raise InvalidInputError(
            f"constraints.kinds names unknown kinds {unknown}: use any of {sorted(CREDENTIAL_KINDS)}"
        )
    if constraints.levels and not set(constraints.levels) <= LEVELS:
        raise InvalidInputError(f"constraints.levels must be among {sorted(LEVELS)}")
    return Budget(
        max_credentials=constraints.max_credentials
        if constraints.max_credentials is not None
        else DEFAULT_MAX_CREDENTIALS,
        max_hours=constraints.max_hours,
        max_cost=constraints.max_cost,
        currency=constraints.currency if constraints.max_cost is not None else None,
    )


def parse_accept_language(header: str | None) -> tuple[str, ...]:
    """ISO 639-1 codes from an ``Accept-Language`` header, most preferred first (``*`` and junk ignored).

    Example:
        >>> parse_accept_language("es-ES,es;q=0.9,en;q=0.8,*;q=0.1")
        ('es', 'en')
    """
    if not header:
        return ()
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        match = _LANGUAGE_TAG.match(tag.strip())
        if not match:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, match.group(1).lower()))
    return tuple(dict.fromkeys(code for _, _, code in sorted(ranked)))


def study_languages(constraints: ConstraintSpec, learner: LearnerSpec, accept: Sequence[str]) -> tuple[list[str], str]:
    """Which languages to recommend in, and why: asked for > the learner's > the request's > English."""
    if constraints.languages:
        return list(dict.fromkeys(constraints.languages)), "constraints"
    if learner.languages:
        return list(learner.languages), "learner"
    if accept:
        return list(accept), "accept-language"
    return ["en"], "default"


def _level(learner: LearnerSpec, analysis: GapAnalysis) -> tuple[str | None, str]:
    if learner.level:
        return learner.level, "learner"
    if analysis.readiness < BEGINNER_BELOW_READINESS:
        return "beginner", "readiness"
    return None, "unknown"


def _message(
    plan_steps: int, uncovered: Sequence[tuple[str, float]], essential: set[str], labels: Mapping[str, str]
) -> str | None:
    missing = [labels.get(s, s) for s, _ in uncovered if s in essential]
    if not missing:
        return None
    named = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
    if plan_steps == 0:
        return (
            f"No credential in the catalogue that fits you teaches the essential skills you lack ({named}); "
            "credpath recommends nothing rather than something beside the point."
        )
    return f"No credential in the catalogue that fits you teaches {len(missing)} essential skill(s): {named}."


def _states_hours(duration_text: str) -> bool:
    """Whether a published length is already a number of hours ("40 hours", "PT40H"), so needs no echo."""
    text = duration_text.strip().lower()
    return text.startswith("pt") or bool(re.fullmatch(r"[\d.,]+\s*(h|hrs?|hours?)", text))


def _step(
    step: PlannedStep,
    labels: Mapping[str, str],
    essential: set[str],
    relevance: Mapping[str, float],
    asked: frozenset[str] = frozenset(),
) -> views.PathwayStep:
    offer = step.offer
    names = [labels.get(s, s) for s, _ in step.covers]
    n_essential = sum(1 for s, _ in step.covers if s in essential)
    what = f"{n_essential} essential" if n_essential else "optional"
    size = f" in about {offer.hours:.0f} h" if offer.hours else ""
    if offer.hours and offer.duration_text and not _states_hours(offer.duration_text):
        # Most catalogues publish a range ("1 - 3 Months"); the hours are our estimate of it, so say both.
        size += f" (published as “{offer.duration_text}”)"
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    reason = (
        f"Closes {len(names)} gap skill{'s' if len(names) != 1 else ''} ({what}): {', '.join(names[:3])}{more}{size}."
    )
    kinds = ["context" if s in offer.context_skills else "alignment" for s, _ in step.covers]
    if "context" in kinds:
        reason += (
            " Its subject is the target role, and its text names "
            + ("these skills" if "alignment" not in kinds else "some of them")
            + " (linked for this role only)."
        )
    if wanted := [labels.get(s, s) for s, _ in step.covers if s in asked]:
        reason += f" You asked for {', '.join(wanted)}."
    return views.PathwayStep(
        credential_id=offer.id,
        title=offer.title,
        provider=offer.provider,
        kind=offer.kind,
        level=offer.level,
        hours=offer.hours,
        duration_text=offer.duration_text,
        cost=offer.cost,
        currency=offer.currency,
        url=offer.url,
        language=offer.language,
        covers=[
            views.StepSkill(skill_id=s, label=labels.get(s, ""), gain=round(g, 4), evidence=kind)
            for (s, g), kind in zip(step.covers, kinds, strict=True)
        ],
        gain=round(step.gain, 4),
        reason=reason,
        about_target=relevance.get(offer.id),
    )


def recommend(
    session: Session,
    semantic: SemanticService,
    target: TargetSpec,
    constraints: ConstraintSpec,
    *,
    learner: LearnerSpec | None = None,
    learner_id: str | None = None,
    accept_languages: Sequence[str] = (),
    caller: Caller = ANONYMOUS,
    demand: bool = False,
) -> views.RecommendationResponse:
    """The next credential and an ordered pathway closing the most weighted gap within the constraints.

    The learner is given inline (``learner``) or stored (``learner_id``, which needs a ``caller`` with
    ``learners:read`` who may see that learner): exactly one of them. ``accept_languages`` (the request's
    ``Accept-Language``) decides the languages when neither the constraints nor the learner name any.

    Raises:
        InvalidInputError: as for :func:`analyse_gaps`, or constraints that allow nothing.
        NotFoundError: as for :func:`analyse_gaps`.
    """
    spec = resolve_learner(session, caller, learner, learner_id)
    budget = _budget(constraints)
    # One catalogue snapshot per request: each read of it runs the catalogue's version query.
    catalogue = aligned_catalogue(session)
    found = _analysis(session, semantic, spec, target, caller, demand=demand, catalogue=catalogue)
    analysis, echo, held_credentials, role = found.analysis, found.echo, found.credentials, found.role
    gaps = analysis.open_gaps
    languages, languages_from = study_languages(constraints, spec, accept_languages)
    level, level_from = _level(spec, analysis)
    filters = OfferFilters(
        kinds=constraints.kinds or (),
        providers=constraints.providers or (),
        levels=constraints.levels or (),
        exclude=set(constraints.exclude) | held_credentials,
        languages=languages,
        learner_level=level,
        parents=semantic.skill_parents,
    )
    # Offers teaching a narrower skill of a gap skill close it too (planning.offers.NARROWER_CREDIT).
    # Children sorted: the offers' order breaks the planner's ties, and a set's order changes with the process.
    wanted = [*gaps, *(child for skill in gaps for child in sorted(semantic.skill_children.get(skill, ())))]
    offers = catalogue.teaching(wanted)
    about = _target_text(session, echo)
    relevance: dict[str, float] = {}
    if about is not None:
        # Credentials about the target role are linked to its gap skills in that context, aligned or not.
        context = _role_context(catalogue, semantic, about, echo.occupation_id, list(gaps), limit=ROLE_CANDIDATES)
        known = {o.id for o in offers}
        offers += catalogue.get(c for c in context if c not in known)
        titles = {o.id: o.title for o in offers}
        relevance = semantic.credential_relevance(about, list(titles), titles)
        filters = replace(filters, relevance=relevance, context=context)
    if echo.occupation_id is not None:
        # Credentials written for people in other occupations (planning.offers.FIELD_RANK), or about the role's
        # name rather than its work (planning.offers.PROFILE_FLOOR), are left out.
        kept = _written_for(session, semantic, echo.occupation_id, [o.id for o in offers])
        if role is not None and role.occupation_id != echo.occupation_id:
            # A credential nearer the job the learner has than the one they want repeats their job: of the 24
            # judged steps of that kind (83 personas, every planner version), 9 were weak, 15 wrong, none relevant.
            kept -= semantic.nearer_to(role.occupation_id, echo.occupation_id, list(kept))
        offers = [o for o in offers if o.id in kept]
    candidates = select_candidates(offers, gaps, budget, filters)
    other_currencies = priced_in_other_currencies(offers, budget)
    plan = recommend_pathway(
        analysis, candidates, budget, prerequisites=skill_repo.skill_prerequisites(session, list(gaps))
    )
    labels = taxonomy_snapshot(session).labels(session, list(gaps))
    essential = {g.skill_id for g in analysis.gaps if g.relation == RelationType.ESSENTIAL}
    steps = [_step(step, labels, essential, relevance, found.asked) for step in plan.steps]
    pathway = views.Pathway(
        steps=steps,
        readiness_before=plan.readiness_before,
        readiness_after=plan.readiness_after,
        total_hours=plan.total_hours,
        total_cost=plan.total_cost,
        currency=plan.currency,
        cost_by_currency=plan.cost_by_currency,
        budget_currency=budget.currency,
        priced_in_other_currencies=len(other_currencies),
        uncovered=[
            views.UncoveredSkill(skill_id=s, label=labels.get(s, ""), weight=weight) for s, weight in plan.uncovered
        ],
        uncovered_essential=sum(1 for s, _ in plan.uncovered if s in essential),
        message=_message(len(steps), plan.uncovered, essential, labels),
    )
    return views.RecommendationResponse(
        target=echo,
        next=views.NextCredential(
            credential=steps[0] if steps else None,
            alternatives=[_step(step, labels, essential, relevance, found.asked) for step in plan.alternatives],
        ),
        pathway=pathway,
        fit=views.LearnerFit(
            languages=languages, languages_from=languages_from, level=level, level_from=level_from, current_role=role
        ),
        algorithm=PATHWAY_ALGORITHM,
        demand_used=demand,
    )
