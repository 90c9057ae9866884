"""Readable, unique URL slugs for articles, drills and programs."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from blueprints.shared.extensions import db

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def slugify(text: str, max_length: int = 80) -> str:
    """'Why rest alone fails' -> 'why-rest-alone-fails' (ASCII, lowercase, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"


def slug_taken(column: InstrumentedAttribute[str], slug: str, own_id: int | None) -> bool:
    """True when another row than `own_id` already uses `slug`."""
    model = column.class_
    query = select(model.id).where(column == slug)
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query.limit(1)) is not None


def free_slug(column: InstrumentedAttribute[str], base: str, own_id: int | None) -> str:
    """`base`, or `base-2`, `base-3`... whichever no other row uses."""
    candidate, number = base, 2
    while slug_taken(column, candidate, own_id):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class SlugTaken(Exception):
    """The chosen slug belongs to another row (found inside the write lock)."""
