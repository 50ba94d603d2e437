"""Roles a learner is closest to: every occupation ranked by how much of its essential skill set is covered.

The coverage rule is gap analysis's without semantic credit (:mod:`credpath.planning.readiness`): a
requirement earns 1.0 from the same skill, 0.75 from a narrower held skill (up to three levels below) and
0.5 from a broader one (up to three levels above), times the evidence strength, and keeps its best single
credit. Instead of scoring each occupation in turn, the best credit is spread once from the held skills
over the hierarchy into a vector over all required skills, and one weighted sum over the essential
(occupation, skill) pairs (``numpy.bincount``) gives every occupation's essential readiness, so thousands of
occupations rank in a few milliseconds.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from credpath.planning.gaps import BROADER_CREDIT, COVERED_AT, NARROWER_CREDIT, HeldSkill, Requirement
from credpath.vocabulary import RelationType

__all__ = ["RoleProfile", "RoleRanker", "RoleScore"]

# The same reach up (and, for broader held skills, down) the hierarchy as planning.gaps.
_DEPTH = 3


@dataclass(frozen=True, slots=True)
class RoleProfile:
    """An occupation's requirements, exactly as gap analysis reads them for that occupation as a target."""

    occupation_id: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class RoleScore:
    """How close a learner is to one occupation, counted over its essential skills."""

    occupation_id: str
    essential_readiness: float
    essential: int
    covered: int
    partial: int

    @property
    def missing(self) -> int:
        """Essential skills the learner has no credit for at all."""
        return self.essential - self.covered - self.partial

    @property
    def remaining(self) -> int:
        """Essential skills still to close (partial or missing): the size of the remaining gap."""
        return self.essential - self.covered


def _reach(skill: str, links: Mapping[str, frozenset[str]]) -> set[str]:
    found: set[str] = set()
    frontier = {skill}
    for _ in range(_DEPTH):
        frontier = {other for s in frontier for other in links.get(s, frozenset())} - found
        if not frontier:
            break
        found |= frontier
    return found


class RoleRanker:
    """Essential readiness of one learner for every occupation at once.

    Built once per data version (the profiles rarely change); :meth:`rank` is then cheap per request.

    Example:
        >>> parents = {"py3": frozenset({"python"})}
        >>> ranker = RoleRanker(
        ...     [
        ...         RoleProfile("dev", (Requirement("python"), Requirement("sql"))),
        ...         RoleProfile("dba", (Requirement("sql"), Requirement("backup", "optional"))),
        ...         RoleProfile("cook", (Requirement("cooking"),)),
        ...     ],
        ...     parents,
        ... )
        >>> [(s.occupation_id, s.essential_readiness, s.remaining) for s in ranker.rank([HeldSkill("sql", "verified")])]
        [('dba', 1.0, 0), ('dev', 0.5, 1)]
    """

    def __init__(self, profiles: Sequence[RoleProfile], parents: Mapping[str, frozenset[str]]) -> None:
        """Index the essential requirements of ``profiles`` (occupations without any are left out)."""
        children: dict[str, set[str]] = {}
        for child, above in parents.items():
            for parent in above:
                children.setdefault(parent, set()).add(child)
        self._parents = parents
        self._children = {p: frozenset(c) for p, c in children.items()}
        self.profiles = {p.occupation_id: p for p in profiles}
        columns: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        weights: list[float] = []
        ids: list[str] = []
        for profile in profiles:
            essential: dict[str, float] = {}
            for requirement in profile.requirements:
                if requirement.relation == RelationType.ESSENTIAL:
                    essential[requirement.skill_id] = max(essential.get(requirement.skill_id, 0.0), requirement.weight)
            if not essential:
                continue
            row = len(ids)
            ids.append(profile.occupation_id)
            for skill, weight in essential.items():
                rows.append(row)
                cols.append(columns.setdefault(skill, len(columns)))
                weights.append(weight)
        self.occupation_ids = ids
        self._columns = columns
        # The essential (occupation, skill) pairs as parallel arrays: a sparse matrix without scipy.
        self._rows = np.array(rows, dtype=np.int64)
        self._cols = np.array(cols, dtype=np.int64)
        self._weights = np.array(weights, dtype=np.float64)
        self._totals = np.bincount(self._rows, weights=self._weights, minlength=len(ids))
        self._sizes = np.bincount(self._rows, minlength=len(ids))

    def _per_role(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(np.bincount(self._rows, weights=values, minlength=len(self.occupation_ids)), dtype=np.float64)

    def _credits(self, held: Sequence[HeldSkill]) -> npt.NDArray[np.float64]:
        """The best single credit each required skill earns from what is held (0 where none)."""
        best = np.zeros(max(1, len(self._columns)))
        strongest: dict[str, float] = {}
        for skill in held:
            strongest[skill.skill_id] = max(strongest.get(skill.skill_id, 0.0), skill.strength)
        for held_id, strength in strongest.items():
            reached = [(held_id, 1.0)]
            reached += [(parent, NARROWER_CREDIT) for parent in _reach(held_id, self._parents)]
            reached += [(child, BROADER_CREDIT) for child in _reach(held_id, self._children)]
            for required, credit in reached:
                column = self._columns.get(required)
                if column is not None:
                    best[column] = max(best[column], round(credit * strength, 4))
        return best

    def rank(self, held: Sequence[HeldSkill], allowed: frozenset[str] | None = None) -> list[RoleScore]:
        """Occupations with any essential credit, closest first (essential readiness, then fewer left to close).

        Args:
            held: what the learner holds.
            allowed: only these occupation ids (all when ``None``).
        """
        if not self.occupation_ids:
            return []
        best = self._credits(held)
        credit = best[self._cols]
        readiness = np.round(self._per_role(self._weights * credit) / self._totals, 4)
        covered = self._per_role((credit >= COVERED_AT).astype(np.float64))
        touched = self._per_role((credit > 0).astype(np.float64))
        order = np.lexsort((self._sizes - covered, -readiness))
        scores = []
        for row in order:
            if readiness[row] <= 0:
                break
            occupation = self.occupation_ids[row]
            if allowed is not None and occupation not in allowed:
                continue
            n_covered = round(covered[row])
            scores.append(
                RoleScore(
                    occupation_id=occupation,
                    essential_readiness=float(readiness[row]),
                    essential=int(self._sizes[row]),
                    covered=n_covered,
                    partial=round(touched[row]) - n_covered,
                )
            )
        return scores
