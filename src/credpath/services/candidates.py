"""Candidates for a posting: learners who opted in to be discoverable, ranked by readiness, under a pseudonym.

Consent, not tenancy, decides who is a candidate: a learner of any organisation who set ``discoverable`` is
found by every employer's postings, and withdrawing it (``false``) removes them from the next answer. What
an employer sees is a pseudonymous reference and skills: never a name, free text or learner id.

The reference is ``cand_`` + the first 24 hex characters of HMAC-SHA256(server secret, employer organisation
id + learner id). The secret is generated once and stored in the database (``server_secret``), so every
replica agrees and it survives restarts. The reference is stable per employer: one employer recognises the
same candidate across its postings, two employers cannot match their candidates with each other.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence

from sqlmodel import Session

from credpath.planning.gaps import GapAnalysis, HeldSkill, Requirement, compute_gaps
from credpath.planning.offers import CredentialOffer
from credpath.planning.readiness import ReadinessScorer
from credpath.services import views
from credpath.services.access import OPERATOR_ORG, Caller
from credpath.services.postings import require_posting
from credpath.services.recommendations import aligned_catalogue
from credpath.services.semantic import SemanticService
from credpath.services.taxonomy_snapshot import taxonomy_snapshot
from credpath.storage.repositories import learners as learner_repo
from credpath.storage.repositories import postings as posting_repo
from credpath.storage.repositories import secrets as secret_repo
from credpath.storage.repositories.learners import CandidateSkills
from credpath.vocabulary import GapStatus, Scope

__all__ = ["PSEUDONYM_SECRET", "candidate_ref", "posting_candidates"]

PSEUDONYM_SECRET = "candidate-pseudonym"  # noqa: S105 - the name of the stored secret, not a secret
# How far up and down the ESCO hierarchy a held skill still earns credit (planning.gaps looks 3 levels up).
_HIERARCHY_DEPTH = 3


def candidate_ref(secret: str, employer_org: str, learner_id: str) -> str:
    """The pseudonym an employer sees for a learner.

    Example:
        >>> candidate_ref("s", "org1", "l1") == candidate_ref("s", "org1", "l1") != candidate_ref("s", "org2", "l1")
        True
    """
    digest = hmac.new(secret.encode(), f"{employer_org}\x1f{learner_id}".encode(), hashlib.sha256).hexdigest()
    return "cand_" + digest[:24]


def _related(skills: Sequence[str], up: Mapping[str, frozenset[str]], down: Mapping[str, frozenset[str]]) -> set[str]:
    """The skills, and those up to three levels broader or narrower: any of them earns a learner some credit."""
    related = set(skills)
    for links in (up, down):
        frontier = set(skills)
        for _ in range(_HIERARCHY_DEPTH):
            frontier = {other for skill in frontier for other in links.get(skill, ())} - related
            related |= frontier
    return related


def _best_next(
    analysis: GapAnalysis, offers: Sequence[CredentialOffer], held: set[str], labels: Mapping[str, str]
) -> views.NextForCandidate | None:
    gaps = analysis.open_gaps
    best: tuple[float, CredentialOffer, list[str]] | None = None
    for offer in offers:
        if offer.id in held:
            continue
        closes = [s for s in offer.teaches if s in gaps]
        gain = sum(offer.teaches[s] * gaps[s][0] * gaps[s][1] for s in closes)
        if closes and (best is None or gain > best[0]):
            best = (gain, offer, closes)
    if best is None:
        return None
    _gain, offer, closes = best
    return views.NextForCandidate(
        credential_id=offer.id,
        title=offer.title,
        provider=offer.provider,
        closes=[views.SkillRef(skill_id=s, label=labels.get(s, "")) for s in closes],
    )


def _refs(skills: Sequence[str], labels: Mapping[str, str]) -> list[views.SkillRef]:
    return [views.SkillRef(skill_id=s, label=labels.get(s, "")) for s in skills]


def posting_candidates(
    session: Session, semantic: SemanticService, caller: Caller, posting_id: str, *, limit: int = 20, offset: int = 0
) -> views.CandidatePage:
    """Discoverable learners holding at least one of the posting's skills (or a broader or narrower one).

    Ranked by readiness for the posting (exact, narrower and broader coverage as in gap analysis, times the
    evidence; semantic partial credit is not used here, so 10,000 learners rank in one pass,
    ``planning.readiness``), then by reference.

    Raises:
        PermissionDeniedError: a key without ``postings:read``.
        NotFoundError: no such posting in the caller's organisation.
    """
    caller.require(Scope.POSTINGS_READ)
    posting = require_posting(session, caller.tenant, posting_id)
    found = posting_repo.target_posting_skills(session, caller.tenant, posting.id)
    requirements = [Requirement(skill, relation) for skill, relation in (found[1] if found else [])]
    required = [r.skill_id for r in requirements]
    parents = semantic.skill_parents
    holders = learner_repo.discoverable_holders(session, _related(required, parents, semantic.skill_children))
    secret = secret_repo.server_secret(session, PSEUDONYM_SECRET, lambda: secrets.token_hex(32))
    employer = caller.org_id or OPERATOR_ORG
    # Rank everyone with the fast scorer (gap analysis's readiness, hierarchy computed once per skill) and
    # analyse only the page in full.
    scorer = ReadinessScorer(requirements, parents)
    ranked: list[tuple[float, str, CandidateSkills]] = []
    for holder in holders:
        held = [HeldSkill(skill, evidence, proficiency) for skill, evidence, proficiency in holder.skills]
        ranked.append((scorer.readiness(held), candidate_ref(secret, employer, holder.learner_id), holder))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    page = ranked[offset : offset + limit]
    labels = taxonomy_snapshot(session).labels(session, required)
    offers = aligned_catalogue(session).teaching(required) if page else []
    items = []
    for readiness, ref, holder in page:
        held = [HeldSkill(skill, evidence, proficiency) for skill, evidence, proficiency in holder.skills]
        analysis = compute_gaps(requirements, held, parents=parents)
        by_status: dict[GapStatus, list[str]] = {status: [] for status in GapStatus}
        for item in sorted(analysis.items, key=lambda g: (-g.weight, labels.get(g.skill_id, ""))):
            by_status[item.status].append(item.skill_id)
        items.append(
            views.CandidateView(
                candidate_ref=ref,
                readiness=readiness,
                covered=_refs(by_status[GapStatus.COVERED], labels),
                partial=_refs(by_status[GapStatus.PARTIAL], labels),
                missing=_refs(by_status[GapStatus.MISSING], labels),
                next_credential=_best_next(analysis, offers, set(holder.credentials), labels),
            )
        )
    return views.CandidatePage(posting_id=posting.id, items=items, total=len(ranked), limit=limit, offset=offset)
