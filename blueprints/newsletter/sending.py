"""Emailing an article to every confirmed subscriber: once, in batches, off the coach's request.

Ticking "email to subscribers" stores one `newsletter_send` row per article (post_id is unique:
an article can never be sent twice, whatever is republished or retried). When the article is
public (published now, or its scheduled time has come) a background thread, or `flask
send-newsletters` from cron, queues it batch by batch: each batch is one transaction adding a
`newsletter_delivery` row (unique per send and subscriber) and its outbox email together, for
subscribers that have none yet. A process killed mid-batch leaves nothing of that batch; the
next pass continues with the subscribers still missing. The outbox then delivers each email
once (at most the one in flight when a sender dies may go twice, with the same Message-ID).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import delete, exists, func, select

from blueprints.blog.models import Post
from blueprints.blog.queries import is_public
from blueprints.newsletter.models import NewsletterDelivery, NewsletterSend, Subscriber
from blueprints.newsletter.subscriptions import NEWSLETTER_LOCK, unsubscribe_url
from blueprints.shared.background import BackgroundWorker
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import queue_email
from blueprints.shared.urls import absolute_url

log = logging.getLogger(__name__)

# Each batch holds the write lock while its emails are rendered: small enough that other writers
# (a comment, a booking, the outbox's claims) wait a fraction of a second at most.
BATCH_SIZE = 50
POLL_SECONDS = 30.0


def send_for(post_id: int) -> NewsletterSend | None:
    """The send row of an article, if the coach ever ticked "email to subscribers"."""
    return db.session.scalar(select(NewsletterSend).where(NewsletterSend.post_id == post_id))


def set_send_wanted(post: Post, wanted: bool) -> None:
    """Record (or withdraw, while nothing has gone out) the wish to email `post`.

    Runs inside the caller's transaction, after the post has an id. A send that has started
    is never undone or repeated.
    """
    existing = send_for(post.id)
    if existing is None and wanted:
        db.session.add(NewsletterSend(post_id=post.id, subject=post.title, status="waiting"))
    elif existing is not None and existing.status == "waiting":
        if wanted:
            existing.subject = post.title
        else:  # conditional: a batch that started it meanwhile wins (PostgreSQL re-checks)
            db.session.execute(
                delete(NewsletterSend).where(
                    NewsletterSend.id == existing.id, NewsletterSend.started_at.is_(None)
                )
            )


def due_send_ids() -> list[int]:
    """Sends not finished whose article readers can see now, oldest first."""
    return list(
        db.session.scalars(
            select(NewsletterSend.id)
            .join(Post, Post.id == NewsletterSend.post_id)
            .where(NewsletterSend.status != "done", is_public())
            .order_by(NewsletterSend.id)
        )
    )


def queue_next_batch(send_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Queue one batch of this send (one transaction); returns how many emails it queued."""
    with serialized_write(NEWSLETTER_LOCK) as session:
        send = session.get(NewsletterSend, send_id)
        if send is None or send.status == "done":
            return 0
        post = session.get(Post, send.post_id) if send.post_id else None
        if post is None or not session.scalar(select(is_public()).where(Post.id == post.id)):
            return 0
        if send.started_at is None:
            send.status, send.started_at = "queuing", utcnow()
        recipients = _subscribers_still_missing(send_id, batch_size)
        article_url = absolute_url("blog.article", slug=post.slug)
        for subscriber in recipients:
            session.add(
                NewsletterDelivery(
                    send_id=send_id,
                    subscriber_id=subscriber.id,
                    outbox_message=_queue_copy(post, article_url, send.subject, subscriber),
                )
            )
        send.queued_count += len(recipients)
        if len(recipients) < batch_size:
            send.status, send.finished_at = "done", utcnow()
    return len(recipients)


def _subscribers_still_missing(send_id: int, limit: int) -> Sequence[Subscriber]:
    already = exists().where(
        NewsletterDelivery.send_id == send_id, NewsletterDelivery.subscriber_id == Subscriber.id
    )
    return db.session.scalars(
        select(Subscriber)
        .where(Subscriber.status == "confirmed", ~already)
        .order_by(Subscriber.id)
        .limit(limit)
    ).all()


def _queue_copy(
    post: Post, article_url: str, subject: str, subscriber: Subscriber
) -> OutboxMessage:
    leave_url = unsubscribe_url(subscriber.key)
    mailto = f"mailto:{current_app.config['COACH_EMAIL']}?subject=unsubscribe"
    return queue_email(
        "newsletter",
        subscriber.email,
        subject,
        "newsletter_article",
        headers={
            "List-Unsubscribe": f"<{leave_url}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        post=post,
        article_url=article_url,
        unsubscribe_url=leave_url,
    )


def queue_due_sends(
    batch_size: int = BATCH_SIZE, keep_going: Callable[[], bool] = lambda: True
) -> int:
    """Queue every due send to the end, batch by batch; returns how many emails were queued.

    After each batch commits the outbox is woken, so delivery starts with the first batch.
    """
    queued = 0
    for send_id in due_send_ids():
        while keep_going() and (count := queue_next_batch(send_id, batch_size)) > 0:
            queued += count
            if count < batch_size:
                break
    return queued


@dataclass(frozen=True)
class SendSummary:
    """Where one send stands: emails queued (not yet out), delivered, failed, withdrawn."""

    send: NewsletterSend
    queued: int
    delivered: int
    failed: int
    withdrawn: int


def send_summary(send: NewsletterSend) -> SendSummary:
    """Count this send's emails by what the outbox did with them."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .select_from(NewsletterDelivery)
        .outerjoin(OutboxMessage, OutboxMessage.id == NewsletterDelivery.outbox_message_id)
        .where(NewsletterDelivery.send_id == send.id)
        .group_by(OutboxMessage.status)
    ).all()
    counts = {status: count for status, count in rows}
    return SendSummary(
        send=send,
        queued=counts.get("pending", 0) + counts.get("sending", 0),
        delivered=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        withdrawn=counts.get(None, 0),
    )


def last_send() -> SendSummary | None:
    """The most recently started send, for the dashboard."""
    send = db.session.scalar(
        select(NewsletterSend)
        .where(NewsletterSend.started_at.is_not(None))
        .order_by(NewsletterSend.started_at.desc(), NewsletterSend.id.desc())
        .limit(1)
    )
    return send_summary(send) if send is not None else None


def start_queuer(app: Flask) -> BackgroundWorker:
    """The thread that queues due sends when woken after a commit, and every so often."""
    return BackgroundWorker(
        app,
        "newsletter-queuer",
        lambda keep_going: queue_due_sends(keep_going=keep_going),
        POLL_SECONDS,
    )


def wake_newsletter_queuer() -> None:
    """After a commit that may have made a send due: queue it in the background (if enabled)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("MAIL_BACKGROUND_SENDER"):
        app.extensions["newsletter_queuer"].wake()
