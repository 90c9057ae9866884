"""Programs and the people who sign up for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled")


class Program(db.Model):
    """A coaching program with an optional capacity and start date."""

    __tablename__ = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(400), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(20), default="beginner")
    duration_weeks: Mapped[int] = mapped_column(default=6)
    sessions_per_week: Mapped[int] = mapped_column(default=2)
    directions: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_text: Mapped[str] = mapped_column(String(120), default="")
    payment_url: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date | None]  # None: rolling start
    capacity: Mapped[int | None]  # None: no limit
    is_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    signups: Mapped[list[Signup]] = relationship(back_populates="program")


class Signup(db.Model):
    """One person's place (or waitlist position) on a program."""

    __tablename__ = "signup"
    __table_args__ = (
        UniqueConstraint("program_id", "email", name="uq_signup_program_email"),
        UniqueConstraint("program_id", "waitlist_position", name="uq_signup_waitlist_position"),
        # The studio pages a program's places and cancellations by (created_at, id).
        Index("ix_signup_program_status_created_id", "program_id", "status", "created_at", "id"),
        # The dashboard's waiting lists, and the recent signups and the export by date.
        Index("ix_signup_status_program", "status", "program_id"),
        Index("ix_signup_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(320), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[str] = mapped_column(Text, default="")
    consent_health_data: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    waitlist_position: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    program: Mapped[Program] = relationship(back_populates="signups")
