"""Roles a learner is closest to."""

import msgspec

from credpath.vocabulary import Taxonomy

__all__ = ["RoleMatch", "RolePage"]


class RoleMatch(msgspec.Struct, frozen=True, kw_only=True):
    """One occupation and how close the learner is to it.

    ``essential_readiness`` (the ranking key) is the weighted coverage of the occupation's essential skills;
    ``readiness`` is exactly what ``POST /v1/gaps`` answers for this occupation as the target (every
    requirement, semantic credit included). ``remaining`` = essential skills not yet covered
    (``partial`` + ``missing``): the size of the gap left.
    """

    occupation_id: str
    label: str
    taxonomy: Taxonomy
    readiness: float
    essential_readiness: float
    essential: int
    covered: int
    partial: int
    missing: int
    remaining: int


class RolePage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the occupations the learner covers any essential skill of, closest first."""

    items: list[RoleMatch]
    total: int
    limit: int
    offset: int
    occupations_ranked: int
