"""Consultation bookings and the coach's availability (weekly hours, days off, rules)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.contact.models import Enquiry
from blueprints.shared.clock import utcnow
from blueprints.shared.database import partial_index
from blueprints.shared.extensions import db

FORMATS = {"video": "Video call", "in_person": "In person"}


class Booking(db.Model):
    """A consultation in a slot. At most one confirmed booking may hold a start time."""

    __tablename__ = "booking"
    __table_args__ = (
        partial_index(
            "uq_booking_confirmed_start", "starts_at", unique=True, where="status = 'confirmed'"
        ),
        Index("ix_booking_starts_id", "starts_at", "id"),  # the export reads in this order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("enquiry.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(String(120), unique=True)  # the .ics UID, stable
    sequence: Mapped[int] = mapped_column(default=0)  # raised on every change
    starts_at: Mapped[datetime]  # UTC
    ends_at: Mapped[datetime]  # UTC
    format: Mapped[str] = mapped_column(String(12), default="video")
    visitor_timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The visitor's clock when they booked, "12" (9:00 AM) or "24" (09:00): their emails use it.
    visitor_hours: Mapped[str] = mapped_column(String(2), default="24", server_default="24")
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    reason: Mapped[str] = mapped_column(Text, default="")
    pain_duration: Mapped[str] = mapped_column(String(40), default="")
    reminder_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    # Set on every change (move, cancel): the feed's DTSTAMP and Last-Modified.
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    # An online consultation's room: the coach's fixed link, or a fresh one on her video service.
    meeting_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # After the session the coach marks it: "" (not yet), "attended" or "no_show".
    attendance: Mapped[str] = mapped_column(String(12), default="", server_default="")
    # The consultation type the visitor chose, as it was then (the coach may later rename or
    # reprice it; what this visitor agreed to stays). Empty when the coach offers no types.
    consultation_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    consultation_minutes: Mapped[int | None]
    consultation_price: Mapped[str] = mapped_column(String(40), default="", server_default="")

    enquiry: Mapped[Enquiry] = relationship(back_populates="booking")


class AvailabilitySettings(db.Model):
    """The coach's booking rules (one row)."""

    __tablename__ = "availability_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_minutes: Mapped[int] = mapped_column(default=45)
    buffer_minutes: Mapped[int] = mapped_column(default=15)
    min_notice_hours: Mapped[int] = mapped_column(default=12)
    horizon_days: Mapped[int] = mapped_column(default=21)
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=24)
    formats: Mapped[str] = mapped_column(String(40), default="video,in_person")
    location: Mapped[str] = mapped_column(String(200), default="")
    # Video consultations: one fixed room for every booking, or else a base URL (a self-hosted
    # Jitsi, say) to which each booking adds its own unguessable room name.
    meeting_room_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    meeting_base_url: Mapped[str] = mapped_column(String(500), default="", server_default="")


class WeeklyHours(db.Model):
    """A window of bookable time on one weekday, in the coach's time zone."""

    __tablename__ = "weekly_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int]  # Monday = 0
    start_time: Mapped[time]
    end_time: Mapped[time]


class DayOff(db.Model):
    """A date the coach takes no bookings."""

    __tablename__ = "day_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")


class BookingFeed(db.Model):
    """The secret token of the coach's bookings feed (one row; a new link replaces it)."""

    __tablename__ = "booking_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BusyCalendar(db.Model):
    """One of the coach's own calendars (a secret iCal address) read for busy times."""

    __tablename__ = "busy_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    busy_count: Mapped[int] = mapped_column(default=0)

    blocks: Mapped[list[BusyBlock]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", passive_deletes=True
    )


class BusyBlock(db.Model):
    """A busy time from a calendar's last good read (naive UTC): no slot is offered over it."""

    __tablename__ = "busy_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("busy_calendar.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)

    calendar: Mapped[BusyCalendar] = relationship(back_populates="blocks")
