"""Learners' gap analysis against a target role, and the credential pathway that closes it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from sqlmodel import Session

from credpath.errors import InvalidInputError, NotFoundError
from credpath.planning.gaps import GapAnalysis, HeldSkill, Requirement, compute_gaps
from credpath.planning.pathways import PATHWAY_ALGORITHM, Budget, Offer, coverage_value, plan_pathway
from credpath.services import views
from credpath.services.catalog import ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX, esco_profile, expand_id
from credpath.services.semantic import SemanticService
from credpath.storage import repositories as repo

__all__ = ["ConstraintSpec", "LearnerSpec", "TargetSpec", "analyse_gaps", "recommend", "stored_learner"]

LEVELS = frozenset({"beginner", "intermediate", "advanced", "mixed"})
# A pathway is short by default: a learner asked what to do next, not for a degree.
DEFAULT_MAX_CREDENTIALS = 5
ALTERNATIVES = 3


@dataclass(frozen=True, slots=True)
class LearnerSpec:
    """A learner given inline: ESCO skill ids, free text, and credentials already held."""

    skills: tuple[str, ...] = ()
    text: str | None = None
    credentials: tuple[str, ...] = ()
    proficiency: Mapping[str, float] = field(default_factory=dict)
    held: tuple[HeldSkill, ...] = ()


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """Exactly one of: an occupation (ESCO URI/UUID or O*NET-SOC code), a job title, a posting, skills."""

    occupation_id: str | None = None
    title: str | None = None
    posting_id: str | None = None
    skills: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ConstraintSpec:
    """Budget and filters for a pathway."""

    max_credentials: int | None = None
    max_hours: float | None = None
    max_cost: float | None = None
    kinds: tuple[str, ...] | None = None
    providers: tuple[str, ...] | None = None
    levels: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()


_OFFER_CACHE: dict[str, tuple[tuple[Any, ...], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]] = {}
_OFFER_LOCK = Lock()


def _offers_for(session: Session, skills: Sequence[str]) -> list[dict[str, Any]]:
    """Credentials teaching any of ``skills``, from a per-process snapshot of the aligned catalogue.

    The snapshot is refreshed whenever the catalogue or its alignments change (a cheap version query),
    so several API replicas over one database stay consistent without a shared cache.
    """
    version = repo.offers_version(session)
    key = str(session.get_bind().engine.url)
    with _OFFER_LOCK:
        cached = _OFFER_CACHE.get(key)
        if cached is None or cached[0] != version:
            rows = repo.credential_offers(session)
            by_skill: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                for skill in row["teaches"]:
                    by_skill.setdefault(skill, []).append(row)
            cached = _OFFER_CACHE[key] = (version, rows, by_skill)
    found: dict[str, dict[str, Any]] = {}
    for skill in skills:
        for row in cached[2].get(skill, ()):
            found[row["id"]] = row
    return list(found.values())


def stored_learner(session: Session, learner_id: str) -> LearnerSpec:
    """A stored learner's skills (with their recorded evidence) and credentials."""
    if repo.get_learner(session, learner_id) is None:
        raise NotFoundError(f"no learner with id {learner_id!r}")
    held = tuple(
        HeldSkill(row.skill_id, row.evidence, row.proficiency)
        for row, _label in repo.learner_skills(session, learner_id)
    )
    return LearnerSpec(credentials=tuple(repo.learner_credentials(session, learner_id)), held=held)


def resolve_held(session: Session, semantic: SemanticService, learner: LearnerSpec) -> tuple[list[HeldSkill], set[str]]:
    """Everything the learner holds, with evidence: credentials (verified) > declared skills > text (inferred)."""
    skills = [expand_id(s, ESCO_SKILL_PREFIX) for s in learner.skills]
    unknown = sorted(set(skills) - repo.existing_skill_ids(session, skills))
    if unknown:
        raise NotFoundError(f"unknown ESCO skill id(s): {', '.join(unknown[:5])}")
    credentials = list(dict.fromkeys(learner.credentials))
    missing = sorted(set(credentials) - repo.existing_credential_ids(session, credentials))
    if missing:
        raise NotFoundError(f"unknown credential id(s): {', '.join(missing[:5])}")
    held = list(learner.held)
    held += [HeldSkill(s, "declared", learner.proficiency.get(s)) for s in skills]
    if learner.text and learner.text.strip():
        held += [HeldSkill(m.skill_id, "inferred") for m in semantic.extract_skills(learner.text).mentions]
    if credentials:
        for offer in repo.credential_offers(session, None, credential_ids=credentials):
            if offer["id"] in credentials:
                # A held credential vouches for its skills as far as its alignment is confident.
                held += [HeldSkill(s, "verified", confidence) for s, confidence in offer["teaches"].items()]
    return held, set(credentials)


def _occupation_requirements(session: Session, occupation_id: str) -> tuple[list[Requirement], views.TargetEcho]:
    occupation = repo.get_occupation(session, expand_id(occupation_id, ESCO_OCCUPATION_PREFIX))
    if occupation is None:
        raise NotFoundError(f"no occupation with id {occupation_id!r}")
    if occupation.taxonomy == "esco":
        requirements = [
            Requirement(s.id, relation) for s, relation in repo.occupation_esco_skills(session, occupation.id)
        ]
    else:
        profile = esco_profile(session, occupation.id)
        entries = [] if profile is None else profile.essential_skills + profile.optional_skills
        # O*NET roles borrow ESCO skills; the share of linked ESCO occupations listing a skill is its importance.
        requirements = [Requirement(e.skill_id, e.relation_type, e.share) for e in entries]
    if not requirements:
        raise InvalidInputError(f"occupation {occupation.preferred_label!r} has no ESCO skill profile to compare with")
    echo = views.TargetEcho(
        "occupation", occupation.id, occupation.preferred_label, occupation.taxonomy, None, len(requirements)
    )
    return requirements, echo


def resolve_target(
    session: Session, semantic: SemanticService, target: TargetSpec
) -> tuple[list[Requirement], views.TargetEcho]:
    """The weighted requirements of a target, and what the target resolved to."""
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
        best = semantic.match_occupations([target.title], 1, "esco").results[0].matches[0]
        requirements, echo = _occupation_requirements(session, best.occupation_id)
        return requirements, views.TargetEcho(
            "title", echo.occupation_id, echo.label, echo.taxonomy, best.score, echo.requirements
        )
    if target.posting_id is not None:
        rows = repo.posting_skills(session, target.posting_id)
        if rows is None:
            raise NotFoundError(f"no job posting with id {target.posting_id!r}")
        if not rows:
            raise InvalidInputError(f"job posting {target.posting_id!r} lists no skills")
        return [Requirement(s, r) for s, r in rows], views.TargetEcho("posting", None, None, None, None, len(rows))
    skills = [expand_id(s, ESCO_SKILL_PREFIX) for s in target.skills or ()]
    if not skills:
        raise InvalidInputError("target.skills is empty: name at least one ESCO skill")
    unknown = sorted(set(skills) - repo.existing_skill_ids(session, skills))
    if unknown:
        raise NotFoundError(f"unknown ESCO skill id(s) in target: {', '.join(unknown[:5])}")
    return [Requirement(s) for s in dict.fromkeys(skills)], views.TargetEcho(
        "skills", None, None, None, None, len(set(skills))
    )


def _analysis(
    session: Session, semantic: SemanticService, learner: LearnerSpec, target: TargetSpec
) -> tuple[GapAnalysis, views.TargetEcho, set[str]]:
    requirements, echo = resolve_target(session, semantic, target)
    held, credentials = resolve_held(session, semantic, learner)
    analysis = compute_gaps(requirements, held, parents=semantic.skill_parents, similarity=semantic.skill_similarity)
    return analysis, echo, credentials


def analyse_gaps(
    session: Session, semantic: SemanticService, learner: LearnerSpec, target: TargetSpec
) -> views.GapResponse:
    """Every requirement of the target with its weight, coverage and status, and the readiness."""
    analysis, echo, _ = _analysis(session, semantic, learner, target)
    labels = repo.skill_labels(session, [i.skill_id for i in analysis.items])
    order = sorted(analysis.items, key=lambda g: (-g.weight * g.remaining, labels.get(g.skill_id, "")))
    items = [
        views.GapItem(
            g.skill_id, labels.get(g.skill_id, ""), g.relation, g.weight, g.coverage, g.status, g.match, g.via_skill_id
        )
        for g in order
    ]
    counts = {
        status: sum(1 for g in analysis.items if g.status == status) for status in ("covered", "partial", "missing")
    }
    return views.GapResponse(echo, analysis.readiness, counts["covered"], counts["partial"], counts["missing"], items)


def _validate(constraints: ConstraintSpec) -> Budget:
    for name in ("kinds", "providers", "levels"):
        value = getattr(constraints, name)
        if value is not None and not value:
            raise InvalidInputError(f"constraints.{name} is empty: omit it to allow any, or name at least one")
    if constraints.levels and not set(constraints.levels) <= LEVELS:
        raise InvalidInputError(f"constraints.levels must be among {sorted(LEVELS)}")
    return Budget(
        max_credentials=constraints.max_credentials
        if constraints.max_credentials is not None
        else DEFAULT_MAX_CREDENTIALS,
        max_hours=constraints.max_hours,
        max_cost=constraints.max_cost,
    )


def _candidates(
    rows: list[dict[str, Any]], gaps: Mapping[str, tuple[float, float]], constraints: ConstraintSpec, held: set[str]
) -> list[dict[str, Any]]:
    kinds = set(constraints.kinds or ())
    providers = {p.casefold() for p in constraints.providers or ()}
    levels = set(constraints.levels or ())
    excluded = set(constraints.exclude) | held
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["id"] in excluded or (kinds and row["kind"] not in kinds) or (levels and row["level"] not in levels):
            continue
        if providers and row["provider"].casefold() not in providers:
            continue
        # A budget can only be respected for credentials whose size is known.
        if (constraints.max_hours is not None and row["hours"] is None) or (
            constraints.max_cost is not None and row["cost"] is None
        ):
            continue
        teaches = {s: q for s, q in row["teaches"].items() if s in gaps}
        if not teaches:
            continue
        kept = best.get(row["canonical_key"])
        if kept is None or len(teaches) > len(kept["teaches"]):
            best[row["canonical_key"]] = {**row, "teaches": teaches}
    return list(best.values())


def _step(
    row: dict[str, Any], covers: Mapping[str, float], gain: float, labels: Mapping[str, str], essential: set[str]
) -> views.PathwayStep:
    ranked = sorted(covers.items(), key=lambda kv: -kv[1])
    names = [labels.get(s, s) for s, _ in ranked]
    n_essential = sum(1 for s, _ in ranked if s in essential)
    what = f"{n_essential} essential" if n_essential else "optional"
    size = f" in about {row['hours']:.0f} h" if row["hours"] else ""
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    reason = (
        f"Closes {len(names)} gap skill{'s' if len(names) != 1 else ''} ({what}): {', '.join(names[:3])}{more}{size}."
    )
    return views.PathwayStep(
        row["id"],
        row["title"],
        row["provider"],
        row["kind"],
        row["level"],
        row["hours"],
        row["cost"],
        row.get("url"),
        [views.StepSkill(s, labels.get(s, ""), round(g, 4)) for s, g in ranked],
        round(gain, 4),
        reason,
    )


def recommend(
    session: Session, semantic: SemanticService, learner: LearnerSpec, target: TargetSpec, constraints: ConstraintSpec
) -> views.RecommendationResponse:
    """The next credential and an ordered pathway closing the most weighted gap within the constraints."""
    budget = _validate(constraints)
    analysis, echo, held_credentials = _analysis(session, semantic, learner, target)
    gap_items = analysis.gaps
    gaps = {g.skill_id: (g.weight, g.remaining) for g in gap_items}
    rows = _candidates(_offers_for(session, list(gaps)), gaps, constraints, held_credentials)
    by_id = {row["id"]: row for row in rows}
    offers = [Offer(row["id"], row["teaches"], row["hours"], row["cost"], row["level"]) for row in rows]
    result = plan_pathway(gaps, offers, budget, prerequisites=repo.skill_prerequisites(session, list(gaps)))
    labels = repo.skill_labels(session, list(gaps))
    essential = {g.skill_id for g in gap_items if g.relation == "essential"}
    steps = [_step(by_id[s.credential_id], s.covers, s.gain, labels, essential) for s in result.steps]
    chosen = {s.credential_id for s in result.steps}
    # Alone, an offer closes sum_s w_s * q_s * g_s (confidence <= 1, so no cap binds).
    single_value = {o.credential_id: sum(gaps[s][0] * q * gaps[s][1] for s, q in o.teaches.items()) for o in offers}
    singles = sorted(
        ((single_value[o.credential_id], o) for o in offers if o.credential_id not in chosen), key=lambda pair: -pair[0]
    )[:ALTERNATIVES]
    alternatives = []
    for value, offer in singles:
        _, closed = coverage_value([offer], gaps)
        covers = {s: gaps[s][0] * v for s, v in closed.items()}
        alternatives.append(_step(by_id[offer.credential_id], covers, value, labels, essential))
    total_weight = sum(g.weight for g in analysis.items)
    after = analysis.readiness + (result.closed / total_weight if total_weight else 0.0)
    costs = [by_id[s].get("cost") for s in chosen]
    pathway = views.Pathway(
        steps=steps,
        readiness_before=analysis.readiness,
        readiness_after=round(min(1.0, after), 4),
        total_hours=round(sum(by_id[s]["hours"] or 0.0 for s in chosen), 1),
        total_cost=None if any(c is None for c in costs) else round(sum(c for c in costs if c is not None), 2),
        uncovered=[
            views.UncoveredSkill(s, labels.get(s, ""), gaps[s][0])
            for s in sorted(set(gaps) - {s for row in rows for s in row["teaches"]}, key=lambda s: -gaps[s][0])
        ],
    )
    return views.RecommendationResponse(
        echo, views.NextCredential(steps[0] if steps else None, alternatives), pathway, PATHWAY_ALGORITHM
    )
