"""Demo articles for `flask seed`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from blueprints.blog.demo import ARTICLES, DRAFT_ARTICLE
from blueprints.blog.models import Post, Tag
from blueprints.blog.publishing import apply_body
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db


def seed_articles() -> int:
    """Add the demo articles (and one draft) that are not there yet (matched by slug)."""
    existing = set(db.session.scalars(select(Post.slug)))
    tags = {tag.name: tag for tag in db.session.scalars(select(Tag))}
    added = 0
    for item in [*ARTICLES, DRAFT_ARTICLE]:
        if item["slug"] in existing:
            continue
        post = Post(
            slug=item["slug"],
            title=item["title"],
            summary=item["summary"],
            cover_alt=item["cover_alt"],
            status="published" if item is not DRAFT_ARTICLE else "draft",
            published_at=utcnow() - timedelta(days=item["days_ago"])
            if item is not DRAFT_ARTICLE
            else None,
        )
        for name in item["tags"]:
            if name not in tags:
                tags[name] = Tag(name=name)
            post.tags.append(tags[name])
        apply_body(post, item["body"])
        if post.published_at is not None:
            post.created_at = post.updated_at = post.published_at
        db.session.add(post)
        added += 1
    db.session.flush()
    return added
