"""Which articles a visitor may see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from app import db
from blueprints.blog.models import Post
from blueprints.shared.database import utcnow


def is_public() -> ColumnElement[bool]:
    """Published, and its publication time has come (scheduled posts appear by themselves)."""
    return Post.status.in_(("published", "scheduled")) & (Post.published_at <= utcnow())


def public_posts() -> Select[tuple[Post]]:
    """Public posts, newest first."""
    return select(Post).where(is_public()).order_by(Post.published_at.desc(), Post.id.desc())


def latest_published_posts(limit: int) -> Sequence[Post]:
    """The newest `limit` public posts."""
    return db.session.scalars(public_posts().limit(limit)).all()
