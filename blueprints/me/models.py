"""A client's own area: who they are, their plan, what they logged, and the coach's rule."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

PROGRESSIONS = {
    "load": "Add load",
    "drill": "Next harder drill in its direction",
    "hold": "Hold",
}
MORNING_ANSWERS = {
    "settled": "As before the session, or better",
    "stirred": "Still a little stirred up",
    "worse": "Worse than before the session",
}
# Signs that stop a session: the client is told to see a clinician and the coach is emailed.
RED_FLAGS = {
    "leg_numbness": "Numbness, tingling or weakness in one or both legs",
    "bladder_bowel": "Changes in bladder or bowel control, or numbness around the groin",
    "fall": "A fall, or a blow to the back",
}


class Client(db.Model):
    """Someone with a program signup or a booking who has asked to sign in; one per email."""

    __tablename__ = "client"
    # The studio's clients list pages by (email, id).
    __table_args__ = (Index("ix_client_email_id", "email", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_at: Mapped[datetime | None]  # agreed to health data being stored
    # A red flag holds all progression until the coach clears it.
    flag_open: Mapped[bool] = mapped_column(default=False)
    flagged_at: Mapped[datetime | None]
    cleared_at: Mapped[datetime | None]

    plans: Mapped[list[Plan]] = relationship(back_populates="client")


class SignInLink(db.Model):
    """One emailed sign-in link: signed, single-use, short-lived."""

    __tablename__ = "client_sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class Plan(db.Model):
    """A program's default plan, or one client's plan (often a copy of their program's)."""

    __tablename__ = "plan"
    __table_args__ = (
        CheckConstraint(
            "(program_id IS NULL) <> (client_id IS NULL)", name="ck_plan_program_or_client"
        ),
        # A client's latest plan (the highest id) without sorting, on PostgreSQL too.
        Index("ix_plan_client_id_id", "client_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    weeks: Mapped[int] = mapped_column(default=6)
    sessions_per_week: Mapped[int] = mapped_column(default=2)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    client: Mapped[Client | None] = relationship(back_populates="plans")
    drills: Mapped[list[PlanDrill]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="PlanDrill.position, PlanDrill.id",
    )


class PlanDrill(db.Model):
    """One drill of a plan: its target sets x reps x load and how it progresses."""

    __tablename__ = "plan_drill"
    __table_args__ = (
        CheckConstraint("sets BETWEEN 1 AND 20", name="ck_plan_drill_sets"),
        CheckConstraint("reps BETWEEN 1 AND 100", name="ck_plan_drill_reps"),
        CheckConstraint("load_kg IS NULL OR load_kg >= 0", name="ck_plan_drill_load"),
        CheckConstraint("progression IN ('load', 'drill', 'hold')", name="ck_plan_drill_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(160))
    drill_slug: Mapped[str] = mapped_column(String(120), default="")  # in the library, if any
    sets: Mapped[int] = mapped_column(default=3)
    reps: Mapped[int] = mapped_column(default=8)
    load_kg: Mapped[float | None]  # None: bodyweight
    progression: Mapped[str] = mapped_column(String(10), default="load")
    step_kg: Mapped[float] = mapped_column(default=2.5)
    # Set whenever the coach changes the target: it then outranks what the logs suggest.
    target_set_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="drills")


class SessionLog(db.Model):
    """One training session a client logged, and (asked on the next visit) the next morning."""

    __tablename__ = "session_log"
    __table_args__ = (
        Index("ix_session_log_client_day", "client_id", "performed_on", "id"),
        CheckConstraint("morning_pain BETWEEN 0 AND 10", name="ck_session_morning_pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    performed_on: Mapped[date]
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    red_flags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated keys
    note: Mapped[str] = mapped_column(Text, default="")
    morning_pain: Mapped[int | None]
    morning_compared: Mapped[str | None] = mapped_column(String(10))

    entries: Mapped[list[DrillLog]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="DrillLog.id"
    )


class DrillLog(db.Model):
    """What one drill was in one session: sets, reps, load and pain during."""

    __tablename__ = "drill_log"
    __table_args__ = (
        CheckConstraint("pain BETWEEN 0 AND 10", name="ck_drill_log_pain"),
        CheckConstraint("load_kg IS NULL OR load_kg >= 0", name="ck_drill_log_load"),
        Index("ix_drill_log_plan_drill", "plan_drill_id", "session_id"),
        # "Pain above 5 in the last session" for every client, from the index alone.
        Index("ix_drill_log_session_pain", "session_id", "pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session_log.id", ondelete="CASCADE"), index=True
    )
    plan_drill_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_drill.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(160))  # the drill actually done
    sets: Mapped[int]
    reps: Mapped[int]  # reps in each set
    load_kg: Mapped[float | None]  # None: bodyweight
    pain: Mapped[int]

    session: Mapped[SessionLog] = relationship(back_populates="entries")


class ProgressionRule(db.Model):
    """The coach's tuning of the progression rule (one row; absent means the defaults)."""

    __tablename__ = "progression_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    up_max_pain: Mapped[int] = mapped_column(default=3)
    hold_max_pain: Mapped[int] = mapped_column(default=5)
    sessions_in_a_row: Mapped[int] = mapped_column(default=2)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
