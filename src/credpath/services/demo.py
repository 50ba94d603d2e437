"""``credpath demo``: sample postings under a demo employer and a few discoverable learners, loaded idempotently.

The postings (``data/samples/postings.jsonl``) and learners (``data/samples/learners.jsonl``) were written for
credpath; each posting carries a ``ref`` that makes a second load a no-op, and a learner is recognised by name
within the demo portal. Everything runs through the same services as the API, as the operator would.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from credpath.errors import InvalidInputError
from credpath.services import access, learners, postings
from credpath.services.access import Caller
from credpath.services.postings import PostingSkillSpec, PostingSpec
from credpath.services.semantic import SemanticService
from credpath.storage.repositories import access as access_repo
from credpath.storage.repositories import learners as learner_repo
from credpath.vocabulary import OrgKind, PostingStatus, PostingVisibility, RelationType, Scope

__all__ = ["DEMO_EMPLOYER", "DEMO_PORTAL", "DemoReport", "load_demo"]

DEMO_EMPLOYER = "Demo Employer"
DEMO_PORTAL = "Demo Portal"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoReport:
    """What a demo load did."""

    postings_created: int
    postings_existing: int
    learners_created: int
    learners_existing: int


def _org(session: Session, name: str, kind: OrgKind) -> str:
    org = access_repo.organisation_by_name(session, name)
    if org is not None:
        return org.id
    return access.create_organisation(session, access.CLI, name=name, kind=kind).id


def _caller(org_id: str, *scopes: Scope) -> Caller:
    return Caller(actor="cli", org_id=org_id, scopes=frozenset(scopes))


def _lines(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path.name}, line {number}: {exc.msg}") from exc
    return rows


def _spec(row: dict[str, Any]) -> PostingSpec:
    return PostingSpec(
        title=row["title"],
        description=row["description"],
        location=row.get("location"),
        url=row.get("url"),
        skills=tuple(
            PostingSkillSpec(skill_id=s["skill_id"], importance=RelationType(s.get("importance", "essential")))
            for s in row.get("skills", ())
        ),
        status=PostingStatus(row.get("status", "open")),
        visibility=PostingVisibility(row.get("visibility", "private")),
        external_ref=row["ref"],
    )


def load_demo(session: Session, semantic: SemanticService, samples_dir: Path) -> DemoReport:
    """Load the sample postings under :data:`DEMO_EMPLOYER` and the sample learners under :data:`DEMO_PORTAL`.

    Raises:
        InvalidInputError: a sample file line that is not JSON.
    """
    employer = _caller(_org(session, DEMO_EMPLOYER, OrgKind.EMPLOYER), Scope.POSTINGS_READ, Scope.POSTINGS_WRITE)
    created = existing = 0
    for row in _lines(samples_dir / "postings.jsonl"):
        _view, new = postings.ensure_posting(session, semantic, employer, _spec(row))
        created, existing = created + new, existing + (not new)
    portal = _caller(_org(session, DEMO_PORTAL, OrgKind.PORTAL), Scope.LEARNERS_READ, Scope.LEARNERS_WRITE)
    learners_created = learners_existing = 0
    for row in _lines(samples_dir / "learners.jsonl"):
        if learner_repo.learner_by_name(session, portal.tenant, row["name"]) is not None:
            learners_existing += 1
            continue
        learners.record_learner(
            session, semantic, portal, name=row["name"], discoverable=bool(row.get("discoverable")), text=row["text"]
        )
        learners_created += 1
    return DemoReport(
        postings_created=created,
        postings_existing=existing,
        learners_created=learners_created,
        learners_existing=learners_existing,
    )
