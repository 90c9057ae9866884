"""Storing a reader's comment for the coach to approve, and telling the coach about it."""

from __future__ import annotations

from flask import current_app

from blueprints.blog.forms import CommentForm
from blueprints.blog.models import Comment, Post
from blueprints.shared.database import serialized_write
from blueprints.shared.outbox import queue_email
from blueprints.shared.ratelimit import allow
from blueprints.shared.urls import absolute_url

# Enough for a lively discussion, too few for a flood.
COMMENTS_PER_WINDOW = 5
COMMENT_WINDOW_SECONDS = 3600
RATE_LIMITED_MESSAGE = (
    "You have sent several comments in a short time. Please wait an hour and try again; "
    "your text is still here."
)


def comment_allowed() -> bool:
    """Count this comment against the visitor's hourly allowance."""
    return allow("blog-comment", COMMENTS_PER_WINDOW, COMMENT_WINDOW_SECONDS)


def save_pending_comment(post: Post, form: CommentForm) -> Comment:
    """Store the comment as pending and queue the coach's notification in the same commit."""

    post_id, post_title, slug = post.id, post.title, post.slug
    with serialized_write("blog-comment") as session:
        comment = Comment(
            post_id=post_id,
            name=form.name.data,
            email=form.email.data or None,
            body=form.body.data,
            status="pending",
        )
        session.add(comment)
        queue_email(
            "blog-comment",
            current_app.config["COACH_EMAIL"],
            f'New comment on "{post_title}" from {comment.name}',
            "comment_new",
            reply_to=comment.email,
            about=comment.email,
            comment=comment,
            post_title=post_title,
            article_url=absolute_url("blog.article", slug=slug),
            studio_url=absolute_url("studio.index"),
        )
    return comment
