"""Roles a learner is closest to: ESCO occupations, and O*NET occupations through their borrowed ESCO profile.

Every occupation's requirements are read once per process and data version (all ESCO occupation-skill
relations and O*NET → ESCO links in two queries) into a :class:`credpath.planning.roles.RoleRanker`; a
request then resolves the learner as gap analysis does, ranks all occupations in one sparse product, and
analyses only the page in full with ``planning.gaps.compute_gaps``, so each item's ``readiness`` is what
``POST /v1/gaps`` answers for that occupation.
"""

from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlmodel import Session

from credpath.planning.gaps import Requirement, compute_gaps
from credpath.planning.roles import RoleProfile, RoleRanker
from credpath.services import views
from credpath.services.access import ANONYMOUS, Caller
from credpath.services.learners import (
    LearnerSpec,
    credit_current_role,
    read_text,
    resolve_held,
    resolve_learner,
    weigh_asks,
)
from credpath.services.semantic import SemanticService
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.repositories import occupations as occupation_repo
from credpath.vocabulary import RelationType, Taxonomy

__all__ = ["RoleCatalogue", "closest_roles", "load_role_catalogue", "role_catalogue"]


@dataclass(frozen=True, slots=True)
class RoleCatalogue:
    """The ranker over every occupation with a skill profile, and each occupation's label and taxonomy."""

    ranker: RoleRanker
    labels: dict[str, tuple[str, Taxonomy]]
    esco: frozenset[str]
    onet: frozenset[str]


def _borrowed(links: int, relations: list[tuple[str, str]]) -> tuple[Requirement, ...]:
    """An O*NET occupation's requirements from its linked ESCO occupations, as ``services.taxonomy.esco_profile``.

    A skill is essential when at least half the linked occupations list it as essential; its importance is
    the share of linked occupations listing it at all.
    """
    listed: dict[str, int] = {}
    essential: dict[str, int] = {}
    for skill, relation in relations:
        listed[skill] = listed.get(skill, 0) + 1
        essential[skill] = essential.get(skill, 0) + (relation == RelationType.ESSENTIAL)
    return tuple(
        Requirement(
            skill,
            RelationType.ESSENTIAL if essential[skill] * 2 >= links else RelationType.OPTIONAL,
            round(listed[skill] / links, 3),
        )
        for skill in listed
    )


def load_role_catalogue(session: Session, parents: dict[str, frozenset[str]]) -> RoleCatalogue:
    """Read every occupation's requirements (ESCO directly, O*NET through its links) and index them."""
    by_esco: dict[str, list[tuple[str, str]]] = {}
    for occupation, skill, relation in occupation_repo.all_esco_skill_relations(session):
        by_esco.setdefault(occupation, []).append((skill, relation))
    by_onet: dict[str, list[str]] = {}
    for onet, esco in occupation_repo.all_occupation_links(session):
        by_onet.setdefault(onet, []).append(esco)
    profiles = [
        RoleProfile(occupation, tuple(Requirement(skill, relation) for skill, relation in rows))
        for occupation, rows in by_esco.items()
    ]
    for onet, escos in by_onet.items():
        relations = [row for esco in escos for row in by_esco.get(esco, [])]
        if relations:
            profiles.append(RoleProfile(onet, _borrowed(len(escos), relations)))
    labels = {
        i: (label, Taxonomy(taxonomy)) for i, (label, taxonomy) in occupation_repo.occupation_labels(session).items()
    }
    profiles = [p for p in profiles if p.occupation_id in labels]
    return RoleCatalogue(
        ranker=RoleRanker(profiles, parents),
        labels=labels,
        esco=frozenset(i for i, (_, t) in labels.items() if t == Taxonomy.ESCO),
        onet=frozenset(i for i, (_, t) in labels.items() if t == Taxonomy.ONET),
    )


_CATALOGUES: dict[str, tuple[tuple[Any, ...], RoleCatalogue]] = {}
_CATALOGUE_LOCK = Lock()


def role_catalogue(session: Session, semantic: SemanticService) -> RoleCatalogue:
    """The role catalogue from a per-process snapshot, rebuilt when the loaded datasets or the hierarchy change."""
    version = (tuple(sorted(dataset_repo.dataset_hashes(session).items())), id(semantic.skill_parents))
    key = str(session.get_bind().engine.url)
    with _CATALOGUE_LOCK:
        cached = _CATALOGUES.get(key)
        if cached is None or cached[0] != version:
            cached = _CATALOGUES[key] = (version, load_role_catalogue(session, semantic.skill_parents))
    return cached[1]


def closest_roles(
    session: Session,
    semantic: SemanticService,
    *,
    learner: LearnerSpec | None = None,
    learner_id: str | None = None,
    caller: Caller = ANONYMOUS,
    taxonomy: str = "all",
    limit: int = 20,
    offset: int = 0,
) -> views.RolePage:
    """The occupations whose essential skills the learner covers best, closest first.

    The learner is given inline (``learner``) or stored (``learner_id``, which needs a ``caller`` with
    ``learners:read`` who may see that learner), exactly as for gap analysis. Occupations the learner
    covers no essential skill of are left out (``total`` counts the rest).

    Raises:
        InvalidInputError: both or neither learner given.
        NotFoundError: an unknown learner, skill or credential.
    """
    spec = resolve_learner(session, caller, learner, learner_id)
    reading = read_text(semantic, spec.text)
    held, _ = resolve_held(session, semantic, spec, reading)
    # The job the text names counts as in gap analysis, so each role's readiness is what /v1/gaps answers.
    held += credit_current_role(session, semantic, spec.text, held)[0]
    catalogue = role_catalogue(session, semantic)
    allowed = {"esco": catalogue.esco, "onet": catalogue.onet}.get(taxonomy)
    scores = catalogue.ranker.rank(held, allowed)
    items = []
    for score in scores[offset : offset + limit]:
        analysis = compute_gaps(
            catalogue.ranker.profiles[score.occupation_id].requirements,
            held,
            parents=semantic.skill_parents,
            similarity=semantic.skill_similarity,
        )
        # What the learner asks for weighs as in gap analysis, so the readiness is what /v1/gaps answers.
        analysis, _ = weigh_asks(semantic, analysis, reading)
        label, kind = catalogue.labels[score.occupation_id]
        items.append(
            views.RoleMatch(
                occupation_id=score.occupation_id,
                label=label,
                taxonomy=kind,
                readiness=analysis.readiness,
                essential_readiness=score.essential_readiness,
                essential=score.essential,
                covered=score.covered,
                partial=score.partial,
                missing=score.missing,
                remaining=score.remaining,
            )
        )
    ranked = sum(1 for i in catalogue.ranker.occupation_ids if allowed is None or i in allowed)
    return views.RolePage(items=items, total=len(scores), limit=limit, offset=offset, occupations_ranked=ranked)
