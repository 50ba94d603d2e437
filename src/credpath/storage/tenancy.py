"""Who may see which owned rows: the one filter every query on learners (and, later, postings) applies.

A request's caller becomes a :class:`TenantScope`; the repositories of owned aggregates take it as an
argument and add :meth:`TenantScope.owns` to every query, so a row of another organisation is simply not
found (the API answers 404, never 403, and ids cannot be probed).
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import Mapped

__all__ = ["TenantScope"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantScope:
    """The rows a caller may see: those of ``org_id``, or all of them when ``sees_all`` (admin).

    Example:
        >>> TenantScope(org_id="o1").visible("o1"), TenantScope(org_id="o1").visible("o2")
        (True, False)
        >>> TenantScope(org_id=None, sees_all=True).visible(None), TenantScope(org_id=None).visible(None)
        (True, False)
    """

    org_id: str | None
    sees_all: bool = False

    def owns(self, column: ColumnElement[str | None] | Mapped[str | None]) -> ColumnElement[bool]:
        """The SQL condition that a row's owner column (``org_id``) is visible to this scope."""
        if self.sees_all:
            return true()
        if self.org_id is None:
            return false()
        return column == self.org_id

    def visible(self, owner: str | None) -> bool:
        """The same rule for a row already in hand (rows without an owner are admin-only)."""
        return self.sees_all or (self.org_id is not None and owner == self.org_id)
