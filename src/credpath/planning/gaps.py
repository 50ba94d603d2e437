"""Gap analysis: how well a learner's held skills cover the weighted skills a target role requires.

Weights. An ESCO essential skill weighs 1.0 and an optional one 0.4 (optional skills make a candidate
stronger but do not block the role). When a requirement also has an importance (O*NET's 1–5 scale, or
the share of linked ESCO occupations listing it), the weight is multiplied by ``0.5 + 0.5 * importance``
with importance scaled to 0–1, so importance refines but never erases the ESCO relation.

Coverage of one requirement is the best credit any single held skill gives it (never a sum, so one
held skill is not counted twice and three weak matches do not add up to a strong one):

- the same skill: 1.0;
- a held skill *narrower* than the requirement (holding "Python" for "computer programming"): 0.75;
- a held skill *broader* than the requirement: 0.5;
- a semantically close skill (cosine >= 0.75): up to 0.5, rising linearly to 0.5 at cosine 1.

and is then scaled by the strength of the evidence (a verified credential 1.0, a declared skill 0.85,
a skill inferred from free text 0.6) and by the proficiency when one was given (0–1).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from credpath.vocabulary import Evidence, GapStatus, MatchKind, RelationType

__all__ = [
    "EVIDENCE_WEIGHT",
    "GapAnalysis",
    "HeldSkill",
    "Requirement",
    "SkillGap",
    "compute_gaps",
    "evidence_replaces",
    "requirement_weight",
    "skills_to_record",
]

EVIDENCE_WEIGHT: Mapping[str, float] = {Evidence.VERIFIED: 1.0, Evidence.DECLARED: 0.85, Evidence.INFERRED: 0.6}
RELATION_WEIGHT: Mapping[str, float] = {RelationType.ESSENTIAL: 1.0, RelationType.OPTIONAL: 0.4}
NARROWER_CREDIT = 0.75
BROADER_CREDIT = 0.5
SEMANTIC_FLOOR = 0.75
SEMANTIC_MAX_CREDIT = 0.5
# A requirement counts as covered from this coverage up; anything above zero is partial.
COVERED_AT = 0.8

Similarity = Callable[[Sequence[str], Sequence[str]], Sequence[Sequence[float]]]


@dataclass(frozen=True, slots=True)
class Requirement:
    """A skill the target asks for."""

    skill_id: str
    relation: str = RelationType.ESSENTIAL
    importance: float | None = None

    @property
    def weight(self) -> float:
        """The requirement's weight (see module docstring)."""
        return requirement_weight(self.relation, self.importance)


@dataclass(frozen=True, slots=True)
class HeldSkill:
    """A skill the learner holds, with its evidence and optional proficiency (0–1)."""

    skill_id: str
    evidence: str = Evidence.DECLARED
    proficiency: float | None = None
    # The held credential that vouches for a verified skill.
    credential_id: str | None = None

    @property
    def strength(self) -> float:
        """Evidence weight times proficiency."""
        return EVIDENCE_WEIGHT.get(self.evidence, EVIDENCE_WEIGHT[Evidence.INFERRED]) * (
            1.0 if self.proficiency is None else max(0.0, min(1.0, self.proficiency))
        )


@dataclass(frozen=True, slots=True)
class SkillGap:
    """One requirement and how well it is covered."""

    skill_id: str
    relation: str
    weight: float
    coverage: float
    status: GapStatus
    match: MatchKind | None
    via_skill_id: str | None

    @property
    def remaining(self) -> float:
        """Share of the requirement still to close (0–1)."""
        return max(0.0, 1.0 - self.coverage)


@dataclass(frozen=True, slots=True)
class GapAnalysis:
    """All requirements with their coverage, and the weighted readiness (0–1)."""

    items: list[SkillGap]
    readiness: float

    @classmethod
    def of(cls, items: list[SkillGap]) -> "GapAnalysis":
        """The analysis of ``items``, readiness being their weight-weighted mean coverage.

        The one place readiness is computed: reweighting by demand or by the learner's asks goes through it,
        so a role's readiness is the same sum wherever it is shown.

        Example:
            >>> a = SkillGap("a", "essential", 1.0, 1.0, GapStatus.COVERED, MatchKind.EXACT, "a")
            >>> b = SkillGap("b", "optional", 3.0, 0.0, GapStatus.MISSING, None, None)
            >>> GapAnalysis.of([a, b]).readiness, GapAnalysis.of([]).readiness
            (0.25, 0.0)
        """
        total = sum(item.weight for item in items)
        readiness = sum(item.weight * item.coverage for item in items) / total if total else 0.0
        return cls(items, round(readiness, 4))

    @property
    def gaps(self) -> list[SkillGap]:
        """Requirements not fully covered, heaviest remaining first."""
        return sorted(
            (item for item in self.items if item.status != GapStatus.COVERED), key=lambda g: -g.weight * g.remaining
        )

    @property
    def open_gaps(self) -> dict[str, tuple[float, float]]:
        """Gap skill → (weight, remaining share), heaviest remaining first: what a pathway must close."""
        return {g.skill_id: (g.weight, g.remaining) for g in self.gaps}

    @property
    def counts(self) -> dict[GapStatus, int]:
        """How many requirements are covered, partial and missing."""
        return {status: sum(1 for item in self.items if item.status == status) for status in GapStatus}


def requirement_weight(relation: str, importance: float | None = None) -> float:
    """Weight of a requirement from its relation and an optional importance in 0–1.

    Example:
        >>> requirement_weight("essential"), requirement_weight("optional", 1.0), requirement_weight("essential", 0.0)
        (1.0, 0.4, 0.5)
    """
    base = RELATION_WEIGHT.get(relation, RELATION_WEIGHT[RelationType.OPTIONAL])
    if importance is None:
        return base
    return round(base * (0.5 + 0.5 * max(0.0, min(1.0, importance))), 6)


def evidence_replaces(new: str, current: str) -> bool:
    """Whether a skill held with ``new`` evidence replaces the same skill held with ``current`` evidence.

    Stronger evidence is never overwritten by weaker (verified > declared > inferred); equal evidence
    replaces (the newer proficiency wins). Unknown evidence ranks below all three.

    Example:
        >>> evidence_replaces("verified", "declared"), evidence_replaces("inferred", "declared")
        (True, False)
    """
    return EVIDENCE_WEIGHT.get(new, 0.0) >= EVIDENCE_WEIGHT.get(current, 0.0)


def skills_to_record(stored: Mapping[str, str], held: Sequence[HeldSkill]) -> list[HeldSkill]:
    """Which of ``held`` to record for a learner who already holds ``stored`` (skill → evidence).

    One entry per skill: a skill given several times (declared and found in text, taught by two held
    credentials) keeps the last of its strongest claims, and a stored skill is replaced only under
    :func:`evidence_replaces`.

    Example:
        >>> held = [HeldSkill("sql", "declared"), HeldSkill("sql", "inferred"), HeldSkill("git", "inferred")]
        >>> [(h.skill_id, str(h.evidence)) for h in skills_to_record({"git": "verified"}, held)]
        [('sql', 'declared')]
    """
    evidence = dict(stored)
    chosen: dict[str, HeldSkill] = {}
    for skill in held:
        current = evidence.get(skill.skill_id)
        if current is None or evidence_replaces(skill.evidence, current):
            evidence[skill.skill_id] = skill.evidence
            chosen[skill.skill_id] = skill
    return list(chosen.values())


def _ancestors(skill: str, parents: Mapping[str, frozenset[str]], depth: int = 3) -> set[str]:
    found: set[str] = set()
    frontier = {skill}
    for _ in range(depth):
        frontier = {p for s in frontier for p in parents.get(s, frozenset())} - found
        if not frontier:
            break
        found |= frontier
    return found


def compute_gaps(
    requirements: Sequence[Requirement],
    held: Sequence[HeldSkill],
    *,
    parents: Mapping[str, frozenset[str]],
    similarity: Similarity | None = None,
) -> GapAnalysis:
    """Cover each requirement with the learner's best single held skill.

    Args:
        requirements: what the target asks for (duplicates keep their heaviest weight).
        held: what the learner holds (duplicates keep their strongest evidence).
        parents: skill → its broader skills (the ESCO hierarchy, skill-to-skill links).
        similarity: optional ``(required_ids, held_ids) -> cosine matrix`` for semantic partial credit.

    Returns:
        Coverage per requirement and the weighted readiness.

    Example:
        >>> analysis = compute_gaps([Requirement("sql")], [HeldSkill("sql", "verified")], parents={})
        >>> analysis.readiness, str(analysis.items[0].status)
        (1.0, 'covered')
    """
    unique: dict[str, Requirement] = {}
    for requirement in requirements:
        current = unique.get(requirement.skill_id)
        if current is None or requirement.weight > current.weight:
            unique[requirement.skill_id] = requirement
    strongest: dict[str, HeldSkill] = {}
    for skill in held:
        current_held = strongest.get(skill.skill_id)
        if current_held is None or skill.strength > current_held.strength:
            strongest[skill.skill_id] = skill
    held_ids = list(strongest)
    held_ancestors = {skill: _ancestors(skill, parents) for skill in held_ids}
    required_ids = list(unique)
    sims = similarity(required_ids, held_ids) if similarity is not None and held_ids and required_ids else None

    items: list[SkillGap] = []
    for row, skill_id in enumerate(required_ids):
        requirement = unique[skill_id]
        required_ancestors = _ancestors(skill_id, parents)
        best, match, via = 0.0, None, None
        for column, held_id in enumerate(held_ids):
            if held_id == skill_id:
                credit, kind = 1.0, MatchKind.EXACT
            elif skill_id in held_ancestors[held_id]:
                credit, kind = NARROWER_CREDIT, MatchKind.NARROWER
            elif held_id in required_ancestors:
                credit, kind = BROADER_CREDIT, MatchKind.BROADER
            elif sims is not None and sims[row][column] >= SEMANTIC_FLOOR:
                scaled = (sims[row][column] - SEMANTIC_FLOOR) / (1.0 - SEMANTIC_FLOOR)
                credit, kind = SEMANTIC_MAX_CREDIT * min(1.0, scaled), MatchKind.SEMANTIC
            else:
                continue
            value = credit * strongest[held_id].strength
            if value > best:
                best, match, via = value, kind, held_id
        status = GapStatus.COVERED if best >= COVERED_AT else (GapStatus.PARTIAL if best > 0 else GapStatus.MISSING)
        items.append(SkillGap(skill_id, requirement.relation, requirement.weight, round(best, 4), status, match, via))
    return GapAnalysis.of(items)
