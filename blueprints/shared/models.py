"""Tables owned by the shared pieces: the mail outbox, rate-limit events, server-side sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

OUTBOX_STATES = ("pending", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """One email, written in the same transaction as what it is about, sent after commit."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The studio's outbox pages by (created_at, id), within a state or over all of them.
        Index("ix_outbox_status_created_id", "status", "created_at", "id"),
        Index("ix_outbox_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    to_addr: Mapped[str] = mapped_column(String(320), index=True)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # [{"filename": ..., "content_type": ..., "content": str}]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Extra headers from an allow-list, e.g. {"List-Unsubscribe": "<https://...>"}; None for none.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # The person this email is about, so erasing them finds it even when it went to the coach.
    subject_email: Mapped[str | None] = mapped_column(String(320), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class RateEvent(db.Model):
    """One counted action (a comment, an enquiry, a login attempt) for rate limits.

    Kept in the database so the limit holds across every gunicorn worker.
    """

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentVersion(db.Model):
    """One counter, raised in the same transaction as any change to what public pages show.

    Every worker compares it with the version its cached pages were rendered at, so an edit
    shows at once on every worker without any message passing between them.
    """

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class UserSession(db.Model):
    """One signed-in session kept on the server, so logging out really ends every copy of it.

    The browser holds a random token; only its SHA-256 is stored (`id`), so a copy of this table
    opens nothing. `subject_kind` + `subject_id` say whose it is ("studio" for a studio user,
    later "client" for a visitor), so one table serves every kind of sign-in.
    """

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_subject", "subject_kind", "subject_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
