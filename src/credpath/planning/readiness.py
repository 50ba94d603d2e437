"""Readiness of many learners for one set of requirements, fast: the ranking behind a posting's candidates.

It gives exactly :func:`credpath.planning.gaps.compute_gaps`'s readiness without semantic similarity
(exact 1.0, a narrower held skill 0.75, a broader one 0.5, times the evidence strength), but computes the
hierarchy once per distinct held skill instead of once per learner, so 10,000 learners rank in one pass.
The page shown to an employer is then analysed in full by ``compute_gaps``.
"""

from collections.abc import Mapping, Sequence

from credpath.planning.gaps import BROADER_CREDIT, NARROWER_CREDIT, HeldSkill, Requirement

__all__ = ["ReadinessScorer"]

# The same reach up the hierarchy as planning.gaps.
_DEPTH = 3


def _ancestors(skill: str, parents: Mapping[str, frozenset[str]]) -> set[str]:
    found: set[str] = set()
    frontier = {skill}
    for _ in range(_DEPTH):
        frontier = {p for s in frontier for p in parents.get(s, frozenset())} - found
        if not frontier:
            break
        found |= frontier
    return found


class ReadinessScorer:
    """Readiness (0–1) of any learner for fixed requirements.

    Example:
        >>> parents = {"py3": frozenset({"python"})}
        >>> scorer = ReadinessScorer([Requirement("sql"), Requirement("python")], parents)
        >>> scorer.readiness([HeldSkill("sql", "verified"), HeldSkill("py3", "verified")])
        0.875
    """

    def __init__(self, requirements: Sequence[Requirement], parents: Mapping[str, frozenset[str]]) -> None:
        """Prepare for these requirements (duplicates keep their heaviest weight) over this hierarchy."""
        unique: dict[str, float] = {}
        for requirement in requirements:
            unique[requirement.skill_id] = max(unique.get(requirement.skill_id, 0.0), requirement.weight)
        self._required = list(unique)
        self._weights = [unique[s] for s in self._required]
        self._total = sum(self._weights)
        self._parents = parents
        self._required_ancestors = [_ancestors(s, parents) for s in self._required]
        self._credits: dict[str, list[tuple[int, float]]] = {}

    def _credit(self, held: str) -> list[tuple[int, float]]:
        found = self._credits.get(held)
        if found is None:
            above = _ancestors(held, self._parents)
            found = []
            for index, required in enumerate(self._required):
                if held == required:
                    found.append((index, 1.0))
                elif required in above:
                    found.append((index, NARROWER_CREDIT))
                elif held in self._required_ancestors[index]:
                    found.append((index, BROADER_CREDIT))
            self._credits[held] = found
        return found

    def readiness(self, held: Sequence[HeldSkill]) -> float:
        """The weighted mean coverage, rounded as ``compute_gaps`` rounds it."""
        if not self._total:
            return 0.0
        # Sparse: a learner touches a handful of the requirements, so only those are kept and summed
        # (a dense list over every requirement was most of the time for 10,000 learners).
        best: dict[int, float] = {}
        for skill in held:
            strength = skill.strength
            for index, credit in self._credit(skill.skill_id):
                value = credit * strength
                if value > best.get(index, 0.0):
                    best[index] = value
        covered = sum(self._weights[index] * round(value, 4) for index, value in best.items())
        return round(covered / self._total, 4)
