"""Paging by key: each page is the rows after the last one shown, never an OFFSET.

A list is sorted by one column and then the row's id, so rows that share a timestamp still have
one order. The link to the next page carries the last row's (value, id) as `after=`; the next
page asks for the rows beyond that key, which an index on (..., value, id) finds directly however
deep the coach goes. A row added while she pages lands before the first page, never in the
middle: no row is shown twice or skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from blueprints.shared.extensions import db
from blueprints.shared.security import LARGEST_ID

T = TypeVar("T")
Column = InstrumentedAttribute[Any]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows, the key the next page starts after (None on the last page), and
    whether this is the list's start (no key, or one that was not a key)."""

    rows: list[T]
    next_key: str | None
    first: bool


def key_of(row: object, order: Column, ident: Column) -> str:
    """The `after=` value for a row: its sort value and its id, `2026-12-01T21:58:00_42` (a text
    value may hold `_` itself: the id is what follows the last one)."""
    value = getattr(row, order.key)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return f"{text}_{getattr(row, ident.key)}"


def parse_key(token: str | None, order: Column) -> tuple[object, int] | None:
    """(value, id) from an `after=` value, or None for anything that is not one (first page)."""
    if not token:
        return None
    text, _, ident = token.rpartition("_")
    if not ident.isdigit() or not 0 < int(ident) <= LARGEST_ID:
        return None
    value: object
    try:
        if order.type.python_type is datetime:
            value = datetime.fromisoformat(text)
            if value.tzinfo is not None:  # stored times are naive UTC
                return None
        elif order.type.python_type is str:  # an email, say: any text up to the column's length
            value = text
            if not text or len(text) > (getattr(order.type, "length", None) or 320):
                return None
        else:
            value = int(text)
            if abs(value) > LARGEST_ID:
                return None
    except (ValueError, NotImplementedError):
        return None
    return value, int(ident)


def page_by_key(
    query: Select[Any],
    order: Column,
    ident: Column,
    after: str | None,
    size: int,
    *,
    descending: bool = True,
) -> Page[Any]:
    """Up to `size` rows of `query` sorted by (order, ident), beyond the key `after`."""
    start = parse_key(after, order)
    if start is not None:
        key = tuple_(order, ident)
        query = query.where(key < start if descending else key > start)
    ordering = (order.desc(), ident.desc()) if descending else (order.asc(), ident.asc())
    rows = list(db.session.scalars(query.order_by(*ordering).limit(size + 1)))
    if len(rows) <= size:
        return Page(rows, None, start is None)
    return Page(rows[:size], key_of(rows[size - 1], order, ident), start is None)
