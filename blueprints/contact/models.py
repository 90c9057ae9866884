"""Enquiries: every message from the contact form, and the consultation intake it carries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

TOPICS = {
    "consultation": "Book a consultation",
    "program": "A program",
    "other": "Something else",
}
ENQUIRY_STATUSES = ("new", "answered", "archived")
PAIN_DURATIONS = {
    "under_6_weeks": "Less than 6 weeks",
    "6_weeks_3_months": "6 weeks to 3 months",
    "3_12_months": "3 to 12 months",
    "over_a_year": "More than a year",
    "not_now": "It comes and goes / not right now",
}
# Signs that need a clinician before any coaching; a yes to any of them does not book.
RED_FLAGS = {
    "leg_numbness": "Numbness, tingling or weakness in one or both legs",
    "bladder_bowel": "Loss of bladder or bowel control, or numbness around the groin",
    "weight_loss": "Weight loss you cannot explain",
    "recent_trauma": "A recent fall, accident or blow to the back",
}


class Enquiry(db.Model):
    """A message from the contact form; every booking starts as one."""

    __tablename__ = "enquiry"
    # The inbox pages by (created_at, id) within a status, or over every status; exports read
    # in that order too.
    __table_args__ = (
        Index("ix_enquiry_status_created_id", "status", "created_at", "id"),
        Index("ix_enquiry_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(320), index=True)
    topic: Mapped[str] = mapped_column(String(20), default="other")
    message: Mapped[str] = mapped_column(Text, default="")
    # Where the visitor came from ("article:why-rest-alone...") so the coach has context.
    context: Mapped[str] = mapped_column(String(200), default="")
    # The consultation intake, kept on the enquiry so it survives even when nothing is booked.
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    pain_duration: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Comma-separated RED_FLAGS keys answered "yes": the coach follows up, nothing is booked.
    red_flags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(String(12), default="new")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Named, not imported: blueprints.booking builds on enquiries, never the other way round.
    booking = relationship("Booking", back_populates="enquiry", uselist=False)
