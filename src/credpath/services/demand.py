"""Demand from employers' open postings: the most-requested skills, and those the catalogue does not serve.

Demand is an aggregate over every organisation's open postings: it names skills and counts, never a posting
or who posted it, so it is a public read like the taxonomy.
"""

from sqlmodel import Session

from credpath.services import views
from credpath.storage.repositories import credentials as credential_repo
from credpath.storage.repositories import postings as posting_repo
from credpath.vocabulary import ESCO_OCCUPATION_PREFIX, expand_esco_id

__all__ = ["WEAK_CONFIDENCE", "demand", "demand_shares", "supply_gaps"]

# A skill whose most confident teaching credential is below this is "only weakly" served: the alignment
# scorer's calibrated probability that the credential teaches it is under one half.
WEAK_CONFIDENCE = 0.5
# Supply gaps consider this many of the most demanded skills (all of them on any realistic posting set).
_SUPPLY_GAP_SCAN = 5_000


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def demand_shares(session: Session, occupation_id: str | None) -> dict[str, float]:
    """Skill → share of open postings asking for it: of the occupation's postings when there are any, else all."""
    rows, total = (
        ([], 0)
        if occupation_id is None
        else posting_repo.demand_counts(session, occupation_id=occupation_id, limit=_SUPPLY_GAP_SCAN)
    )
    if total == 0:
        rows, total = posting_repo.demand_counts(session, occupation_id=None, limit=_SUPPLY_GAP_SCAN)
    return {row.skill_id: _share(row.postings, total) for row in rows}


def demand(session: Session, *, occupation_id: str | None = None, limit: int = 20) -> views.DemandResponse:
    """The skills most asked for across open postings (of one occupation: ESCO URI/UUID or O*NET code)."""
    occupation = None if occupation_id is None else expand_esco_id(occupation_id, ESCO_OCCUPATION_PREFIX)
    rows, total = posting_repo.demand_counts(session, occupation_id=occupation, limit=limit)
    return views.DemandResponse(
        occupation_id=occupation,
        open_postings=total,
        items=[
            views.DemandSkill(
                skill_id=row.skill_id,
                label=row.label,
                postings=row.postings,
                essential=row.essential,
                share=_share(row.postings, total),
            )
            for row in rows
        ],
    )


def supply_gaps(session: Session, *, limit: int = 20) -> views.SupplyGapResponse:
    """Demanded skills that no active credential teaches, or only below :data:`WEAK_CONFIDENCE`, most demanded first."""
    rows, total = posting_repo.demand_counts(session, occupation_id=None, limit=_SUPPLY_GAP_SCAN)
    teachers: dict[str, list[float]] = {}
    for teacher in credential_repo.skill_teachers(session, [row.skill_id for row in rows]):
        teachers.setdefault(teacher.skill_id, []).append(teacher.confidence)
    items = []
    for row in rows:
        confidences = teachers.get(row.skill_id, [])
        best = max(confidences, default=None)
        if best is not None and best >= WEAK_CONFIDENCE:
            continue
        items.append(
            views.SupplyGap(
                skill_id=row.skill_id,
                label=row.label,
                postings=row.postings,
                share=_share(row.postings, total),
                credentials=len(confidences),
                best_confidence=None if best is None else round(best, 4),
            )
        )
        if len(items) == limit:
            break
    return views.SupplyGapResponse(open_postings=total, weak_below=WEAK_CONFIDENCE, items=items)
