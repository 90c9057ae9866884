"""What the tests under tests/blog/ share besides their fixtures."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.blog.models import Post, Tag
from blueprints.blog.publishing import apply_body
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

FORM_STARTED = re.compile(r'name="form_started" type="hidden" value="([^"]+)"')


def add_post(
    slug: str,
    *,
    title: str | None = None,
    body: str = "A short article about backs.",
    summary: str = "A short summary.",
    status: str = "published",
    published_at: datetime | None = None,
    days_ago: float | None = 1,
    tags: Iterable[str] = (),
    cover_image: str = "",
    cover_alt: str = "",
) -> Post:
    """Store an article (inside an app context) and return it, committed."""
    if published_at is None and days_ago is not None:
        published_at = utcnow() - timedelta(days=days_ago)
    post = Post(
        slug=slug,
        title=title or slug.replace("-", " ").capitalize(),
        summary=summary,
        status=status,
        published_at=published_at,
        cover_image=cover_image,
        cover_alt=cover_alt,
    )
    for name in tags:
        tag = db.session.scalar(select(Tag).where(Tag.name == name)) or Tag(name=name)
        post.tags.append(tag)
    apply_body(post, body)
    db.session.add(post)
    db.session.commit()
    return post


def form_started_token(client: FlaskClient, article_path: str) -> str:
    """The signed start time from a freshly rendered comment form, as a browser would send it."""
    page = client.get(article_path).get_data(as_text=True)
    match = FORM_STARTED.search(page)
    assert match, "the article page should carry a comment form"
    return match.group(1)


ARTICLE = "/blog/first-steps"


def comment_form(client: FlaskClient, **overrides: str) -> dict[str, str]:
    """A filled-in comment as a browser sends it, stamp included."""
    data = {
        "name": "Priya",
        "email": "Priya@Example.org",
        "body": "Does the cat-cow help if my back is stiff in the morning?",
        "website": "",
        "form_started": form_started_token(client, ARTICLE),
    }
    data.update(overrides)
    return data
