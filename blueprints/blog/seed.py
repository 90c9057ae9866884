"""Demo articles for `flask seed`, from `content/articles/<slug>.md`.

The front matter holds the title, summary, tags, cover text and either `days_ago` (published that
many days before the seed) or `status = "draft"`; the body is the article in Markdown, rendered
and sanitised by the same `apply_body` as the studio's editor, drill embeds included.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import exists, func, select

from blueprints.blog.models import Post, Tag
from blueprints.blog.publishing import apply_body
from blueprints.shared.clock import utcnow
from blueprints.shared.content import ContentFile, read_content_folder
from blueprints.shared.extensions import db
from blueprints.shared.seed import SeedRun, register_seed_loader

FIELDS = {"title", "summary", "tags", "days_ago", "status", "cover_alt"}
STATUSES = ("published", "draft")


def init_seed(app: Flask) -> None:
    """Register the articles with `flask seed`, after the drills they embed."""
    register_seed_loader(app, "articles", seed_articles, order=20, has_content=has_articles)


def has_articles() -> bool:
    """True once there is any article, draft or not."""
    return bool(db.session.scalar(select(exists().where(Post.id.isnot(None)))))


def seed_articles(run: SeedRun) -> int:
    """Add the articles that are not there yet (by slug); with `run.update`, overwrite the rest.

    A published article keeps its publication date when overwritten, as in the studio."""
    written = 0
    files = read_content_folder(run.folder / "articles")
    slugs = [file.slug for file in files]
    existing = {
        post.slug: post for post in db.session.scalars(select(Post).where(Post.slug.in_(slugs)))
    }
    for file in files:
        values = article_values(file)
        post = existing.get(file.slug)
        if post is not None and (not run.update or _matches(post, values)):
            continue
        if post is None:
            post = Post(slug=file.slug)
            db.session.add(post)
            _write(post, values, file)
            if post.published_at is not None:  # a demo article reads as written back then
                post.created_at = post.updated_at = post.published_at
        else:
            _write(post, values, file)
        written += 1
    db.session.flush()
    return written


def article_values(file: ContentFile) -> dict[str, Any]:
    """What the file says the article is."""
    file.only_keys(FIELDS)
    status = file.get("status", str, "published")
    if status not in STATUSES:
        raise file.error(f"status should be published or draft, not {status!r}", "status")
    if status == "draft" and "days_ago" in file.front:
        raise file.error("a draft has no publication date: remove days_ago", "days_ago")
    return {
        "title": file.get("title", str),
        "summary": file.get("summary", str, ""),
        "tags": file.strings("tags", []),
        "cover_alt": file.get("cover_alt", str, ""),
        "status": status,
        "days_ago": file.get("days_ago", int) if status == "published" else None,
        "body_md": file.body,
    }


def _matches(post: Post, values: dict[str, Any]) -> bool:
    return (
        post.title == values["title"]
        and post.summary == values["summary"]
        and sorted(tag.name.lower() for tag in post.tags)
        == sorted({name.lower() for name in values["tags"]})
        and post.cover_alt == values["cover_alt"]
        and post.status == values["status"]
        and post.body_md == values["body_md"]
    )


def _write(post: Post, values: dict[str, Any], file: ContentFile) -> None:
    post.title, post.summary = values["title"], values["summary"]
    post.cover_alt = values["cover_alt"]
    post.tags = _tags_named(values["tags"])
    if values["status"] == "draft":
        post.status, post.published_at = "draft", None
    elif post.status != "published" or post.published_at is None:
        post.status = "published"
        post.published_at = utcnow() - timedelta(days=values["days_ago"])
    if post.body_md != values["body_md"] or not post.body_html:
        unknown = apply_body(post, values["body_md"])
        if unknown:
            current_app.logger.warning("%s embeds unknown drills: %s", file.path, unknown)


def _tags_named(names: list[str]) -> list[Tag]:
    """Existing tags matched without regard to case, as the studio matches them; new ones made."""
    with db.session.no_autoflush:  # the post being written is not complete yet
        existing = {
            tag.name.lower(): tag
            for tag in db.session.scalars(
                select(Tag).where(func.lower(Tag.name).in_([name.lower() for name in names]))
            )
        }
    for tag in db.session.new:  # made for an earlier file in this run, not flushed yet
        if isinstance(tag, Tag):
            existing.setdefault(tag.name.lower(), tag)
    return [existing.setdefault(name.lower(), Tag(name=name)) for name in names]
