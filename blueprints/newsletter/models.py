"""Subscribers, and the one send per article with a delivery row per subscriber."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage

SUBSCRIBER_STATES = ("pending", "confirmed", "unsubscribed")
SEND_STATES = ("waiting", "queuing", "done")


class Subscriber(db.Model):
    """One address that asked for new articles by email (confirmed by a link, or not yet)."""

    __tablename__ = "newsletter_subscriber"
    __table_args__ = (
        Index("ix_newsletter_subscriber_status_id", "status", "id"),
        # The studio's list pages by (created_at, id) within a state; the export over all.
        Index("ix_newsletter_subscriber_status_created_id", "status", "created_at", "id"),
        Index("ix_newsletter_subscriber_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # Random and never reused: signed links carry it, so a link outlives no erasure.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmation_sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    # Raised by each unsubscribe; a confirmation link carries the value it was sent with, so a
    # link from before an unsubscribe can never subscribe the address again.
    generation: Mapped[int] = mapped_column(default=0, server_default="0")


class NewsletterSend(db.Model):
    """An article emailed to subscribers: one row per article, ever (the unique post_id)."""

    __tablename__ = "newsletter_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL: deleting the article keeps the record that it was sent.
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), unique=True
    )
    subject: Mapped[str] = mapped_column(String(300))
    # waiting: ticked, the article is not public yet; queuing: batches going out; done.
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    queued_count: Mapped[int] = mapped_column(default=0)


class NewsletterDelivery(db.Model):
    """One subscriber's copy of one send; the unique pair makes queueing idempotent."""

    __tablename__ = "newsletter_delivery"
    __table_args__ = (UniqueConstraint("send_id", "subscriber_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    send_id: Mapped[int] = mapped_column(ForeignKey("newsletter_send.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscriber.id", ondelete="CASCADE"), index=True
    )
    # NULL once the queued email was withdrawn (an unsubscribe before it went out).
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    outbox_message: Mapped[OutboxMessage | None] = relationship()
