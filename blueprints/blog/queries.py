"""Which articles a visitor may see, and what an article page shows beside its body."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from blueprints.blog.models import Comment, Post, PostDrill, Tag, post_tag
from blueprints.drills.models import Drill
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

RELATED_LIMIT = 3


def is_public() -> ColumnElement[bool]:
    """Published, and its publication time has come (scheduled posts appear by themselves)."""
    return Post.status.in_(("published", "scheduled")) & (Post.published_at <= utcnow())


def public_posts() -> Select[tuple[Post]]:
    """Public posts, newest first."""
    return select(Post).where(is_public()).order_by(Post.published_at.desc(), Post.id.desc())


def latest_published_posts(limit: int) -> Sequence[Post]:
    """The newest `limit` public posts."""
    return db.session.scalars(public_posts().limit(limit)).all()


def public_post_or_404(slug: str) -> Post:
    """The public article at `slug`; drafts, future posts and unknown slugs are 404."""
    return db.first_or_404(select(Post).where(Post.slug == slug, is_public()))


def related_posts(post: Post, limit: int = RELATED_LIMIT) -> Sequence[Post]:
    """Other public articles sharing the most tags with `post`, newest first among equals."""
    tag_ids = [tag.id for tag in post.tags]
    if not tag_ids:
        return []
    shared = (
        select(post_tag.c.post_id, func.count().label("shared"))
        .where(post_tag.c.tag_id.in_(tag_ids), post_tag.c.post_id != post.id)
        .group_by(post_tag.c.post_id)
        .subquery()
    )
    return db.session.scalars(
        public_posts()
        .join(shared, shared.c.post_id == Post.id)
        .order_by(None)
        .order_by(shared.c.shared.desc(), Post.published_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()


def embedded_drills(post: Post) -> Sequence[Drill]:
    """The drills the article embeds, in the order they appear."""
    return db.session.scalars(
        select(Drill)
        .join(PostDrill, PostDrill.drill_id == Drill.id)
        .where(PostDrill.post_id == post.id)
        .order_by(PostDrill.position)
    ).all()


def approved_comments(post: Post) -> Sequence[Comment]:
    """Comments the coach has approved, oldest first, as a conversation reads."""
    return db.session.scalars(
        select(Comment)
        .where(Comment.post_id == post.id, Comment.status == "approved")
        .order_by(Comment.created_at, Comment.id)
    ).all()


def _public_tag_ids() -> Select[tuple[int]]:
    return select(post_tag.c.tag_id).join(Post, Post.id == post_tag.c.post_id).where(is_public())


def public_tags() -> Sequence[Tag]:
    """Tags that at least one public article carries, by name."""
    return db.session.scalars(
        select(Tag).where(Tag.id.in_(_public_tag_ids())).order_by(Tag.name)
    ).all()


def public_tag_or_404(name: str) -> Tag:
    """A tag some public article carries; otherwise 404 (a draft's tags stay private)."""
    return db.first_or_404(select(Tag).where(Tag.name == name, Tag.id.in_(_public_tag_ids())))


def posts_tagged(tag: Tag) -> Select[tuple[Post]]:
    """Public posts carrying `tag`, newest first."""
    return public_posts().where(Post.tags.any(Tag.id == tag.id))
