"""Lexical search shared by the skill, occupation and credential listings: token filter, ranking, paging."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel

__all__ = ["Page", "lexical", "page"]

T = TypeVar("T", bound=SQLModel)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the total number of matches."""

    items: list[T]
    total: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def lexical(
    query: Select[T],
    label: Mapped[str],
    haystack: Mapped[str],
    q: str | None,
) -> tuple[Select[T], list[Any]]:
    """Filter on every token of ``q`` and return the ordering that ranks exact label matches first.

    Ranking tiers, best first: preferred label equals the query; an alternative label equals it;
    preferred label starts with it; preferred label contains it; any label contains every token.
    Within a tier shorter labels win (a closer match), then alphabetical order for stability.
    """
    text = " ".join((q or "").casefold().split())
    if not text:
        return query, [label]
    for token in text.split(" "):
        query = query.where(haystack.like(f"%{_escape_like(token)}%", escape="\\"))
    escaped = _escape_like(text)
    lowered = func.lower(label)
    tier = case(
        (lowered == text, 0),
        ((literal("\n") + haystack + literal("\n")).like(f"%\n{escaped}\n%", escape="\\"), 1),
        (lowered.like(f"{escaped}%", escape="\\"), 2),
        (lowered.like(f"%{escaped}%", escape="\\"), 3),
        else_=4,
    )
    return query, [tier, func.length(label), label]


def page(session: Session, query: Select[T], order: Sequence[Any], limit: int, offset: int) -> Page[T]:
    """Run ``query`` for one page in ``order``, with the total number of matches.

    The total rides on the page's rows (``count(*) OVER ()``), so the filter (a substring scan of every
    label) runs once, not once for the page and again for the count; only a page past the end needs the
    separate count.
    """
    total = func.count().over().label("total_matches")
    rows = session.execute(query.add_columns(total).order_by(*order).limit(limit).offset(offset)).all()
    if rows:
        return Page(items=[row[0] for row in rows], total=int(rows[0][-1]))
    if offset == 0:
        return Page(items=[], total=0)
    count = int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    return Page(items=[], total=count)
