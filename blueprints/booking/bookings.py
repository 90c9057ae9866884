"""Storing bookings (each with its enquiry), moving and cancelling them, and their emails.

Each function is one transaction: what the visitor sent and every email about it are written
together (the outbox), so either all of it is stored or none. Slot claims run under
`serialized_write`, and the partial unique index on confirmed start times is the backstop: a
second confirmed booking at the same start is refused by the database itself.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.booking.calendar_links import calendar_links
from blueprints.booking.invites import Method, invite_attachment
from blueprints.booking.links import manage_url
from blueprints.booking.models import FORMATS, Booking
from blueprints.booking.slots import TAKEN, describe_time, load_availability, settings, slot_problem
from blueprints.booking.when import (
    coach_when,
    coach_when_if_other_zone,
    visitor_when,
    visitor_when_if_other_zone,
)
from blueprints.contact.enquiries import Intake, Visitor, new_enquiry
from blueprints.contact.links import describe_context
from blueprints.contact.models import PAIN_DURATIONS
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.outbox import queue_email
from blueprints.shared.urls import absolute_url, mail_domain

Change = Literal["confirmed", "rescheduled", "cancelled", "reminder"]


@dataclass(frozen=True)
class Consultation:
    """The consultation type a visitor chose, as the booking keeps it (name, length, price)."""

    name: str
    minutes: int
    price: str  # in words: "Free", "£60"


def booked_length(slot: timedelta, minutes: int | None) -> timedelta:
    """How long a booking lasts: its consultation's length, within the coach's slot (a type is
    never longer than a slot: the studio refuses it, and a slot shortened later still holds)."""
    return min(slot, timedelta(minutes=minutes)) if minutes else slot


class BookingError(Exception):
    """A booking request that cannot go ahead; the message is for the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlotUnavailable(BookingError):
    """The time is in the past, too soon, too far ahead or outside the coach's hours."""


class SlotTaken(BookingError):
    """Someone else holds that time (found by the check, or refused by the database)."""


class ChangeRefused(BookingError):
    """Cancelling or moving is not possible (past the cut-off, already cancelled, over)."""


def book_consultation(
    visitor: Visitor,
    intake: Intake,
    starts_at: datetime,
    meeting_format: str,
    visitor_timezone: str,
    now: datetime | None = None,
    consultation: Consultation | None = None,
    visitor_hours: str = "24",
) -> Booking:
    """Claim `starts_at` for the visitor; SlotTaken or SlotUnavailable if it cannot be had.

    The slot grid stays the coach's; the booking lasts its consultation's length from the
    slot's start and keeps the consultation's name and price as the visitor saw them."""
    now = now or utcnow()
    try:
        with serialized_write("booking") as session:
            availability = load_availability()
            _refuse_unless_free(slot_problem(availability, starts_at, now))
            booking = Booking(
                enquiry=new_enquiry(visitor, intake),
                uid=f"{uuid.uuid4().hex}@{mail_domain()}",
                sequence=0,
                starts_at=starts_at,
                ends_at=starts_at
                + booked_length(availability.slot, consultation and consultation.minutes),
                format=meeting_format,
                consultation_name=consultation.name if consultation else "",
                consultation_minutes=consultation.minutes if consultation else None,
                consultation_price=consultation.price if consultation else "",
                visitor_timezone=visitor_timezone,
                visitor_hours=visitor_hours if visitor_hours in ("12", "24") else "24",
                status="confirmed",
                reason=intake.reason,
                pain_duration=intake.pain_duration,
                reminder_sent_at=_reminder_already_covered(starts_at, now),
                meeting_url=meeting_link(meeting_format),
            )
            session.add(booking)
            session.flush()  # the unique index speaks here if the check was somehow raced
            _queue_booking_emails(booking, "confirmed")
    except IntegrityError as error:
        raise SlotTaken(TAKEN) from error
    return booking


def change_problem(booking: Booking, now: datetime, by_coach: bool = False) -> str | None:
    """Why this booking cannot be cancelled or moved now (in words), or None."""
    if booking.status != "confirmed":
        return "This consultation has been cancelled, so there is nothing left to change."
    if booking.starts_at <= now:
        return "This consultation has already taken place."
    cutoff_hours = settings().cancel_cutoff_hours
    if by_coach or booking.starts_at - now >= timedelta(hours=cutoff_hours):
        return None
    config = current_app.config
    hours_left = max(int((booking.starts_at - now).total_seconds() // 3600), 0)
    starts_in = {0: "less than an hour", 1: "1 hour"}.get(hours_left, f"{hours_left} hours")
    return (
        f"Online changes close {cutoff_hours} hours before a session, and "
        f"yours starts in {starts_in}. Please email {config['COACH_NAME']} at "
        f"{config['COACH_EMAIL']} instead."
    )


def cancel_booking(
    booking: Booking, by_coach: bool = False, now: datetime | None = None, message: str = ""
) -> Booking:
    """Cancel a confirmed booking and tell both sides; the cut-off binds visitors, not the coach.

    Runs (and commits) its own transaction, so call it with no other changes pending.
    Raises ChangeRefused with the reason when it is too late or already cancelled.
    """
    now = now or utcnow()
    with serialized_write("booking"):
        problem = change_problem(booking, now, by_coach)
        if problem:
            raise ChangeRefused(problem)
        booking.status = "cancelled"
        booking.cancelled_at = now
        booking.sequence += 1
        _queue_booking_emails(booking, "cancelled", by_coach=by_coach, message=message)
    return booking


def reschedule_booking(
    booking: Booking,
    starts_at: datetime,
    now: datetime | None = None,
    by_coach: bool = False,
    message: str = "",
) -> Booking:
    """Move a booking to a free slot, keeping its UID and raising its SEQUENCE.

    The coach may move one inside the visitors' cut-off, with a message for the visitor.
    """
    now = now or utcnow()
    try:
        with serialized_write("booking") as session:
            problem = change_problem(booking, now, by_coach)
            if problem:
                raise ChangeRefused(problem)
            if starts_at == booking.starts_at:
                raise SlotUnavailable("That is already the time of your consultation.")
            availability = load_availability(ignore_booking_id=booking.id)
            _refuse_unless_free(slot_problem(availability, starts_at, now))
            previous = booking.starts_at
            booking.starts_at = starts_at
            booking.ends_at = starts_at + booked_length(
                availability.slot, booking.consultation_minutes
            )
            booking.sequence += 1
            booking.reminder_sent_at = _reminder_already_covered(starts_at, now)
            session.flush()
            _queue_booking_emails(
                booking, "rescheduled", previous=previous, by_coach=by_coach, message=message
            )
    except IntegrityError as error:
        raise SlotTaken(TAKEN) from error
    return booking


def queue_due_reminders(now: datetime | None = None) -> int:
    """Queue one reminder for each confirmed booking starting within the reminder window."""
    now = now or utcnow()
    with serialized_write("booking") as session:
        due = session.scalars(
            select(Booking).where(
                Booking.status == "confirmed",
                Booking.reminder_sent_at.is_(None),
                Booking.starts_at > now,
                Booking.starts_at <= now + _reminder_window(),
            )
        ).all()
        for booking in due:
            booking.reminder_sent_at = now  # in the same commit as the email: sent once
            _queue_booking_emails(booking, "reminder")
    return len(due)


def _reminder_window() -> timedelta:
    return timedelta(hours=current_app.config["REMINDER_HOURS"])


def _reminder_already_covered(starts_at: datetime, now: datetime) -> datetime | None:
    # A session booked (or moved) inside the reminder window needs no separate reminder.
    return now if starts_at - now <= _reminder_window() else None


def _refuse_unless_free(problem: str | None) -> None:
    if problem == TAKEN:
        raise SlotTaken(problem)
    if problem:
        raise SlotUnavailable(problem)


VISITOR_SUBJECTS = {
    "confirmed": "Consultation booked: {when}",
    "rescheduled": "Consultation moved to {when}",
    "cancelled": "Consultation cancelled: {when}",
    "reminder": "Reminder: your consultation on {when}",
}
COACH_SUBJECTS = {
    "confirmed": "New consultation: {name}, {when}",
    "rescheduled": "Consultation moved: {name}, now {when}",
    "cancelled": "Consultation cancelled: {name}, {when}",
}


def _queue_booking_emails(
    booking: Booking,
    change: Change,
    previous: datetime | None = None,
    by_coach: bool = False,
    message: str = "",
) -> None:
    config = current_app.config
    enquiry = booking.enquiry
    method: Method = "CANCEL" if change == "cancelled" else "REQUEST"
    link = manage_url(booking)
    location = _location(booking)
    invite = invite_attachment(booking, method, link, location)
    visitor_time = visitor_when(booking)
    coach_time = coach_when(booking)
    context = {
        "booking": booking,
        "enquiry": enquiry,
        "change": change,
        "by_coach": by_coach,
        # Each side's time once; the other side's only when its zone differs.
        "visitor_when": visitor_time,
        "coach_when": coach_when_if_other_zone(booking),
        "coach_own_when": coach_time,
        "visitor_other_when": visitor_when_if_other_zone(booking),
        "previous_when": (
            describe_time(previous, booking.visitor_timezone, booking.visitor_hours)
            if previous
            else ""
        ),
        "previous_coach_when": (
            describe_time(previous, config["COACH_TIMEZONE"], config["COACH_HOURS"])
            if previous
            else ""
        ),
        "format_label": FORMATS.get(booking.format, booking.format),
        "consultation_line": consultation_line(booking),
        "location": location,
        "manage_url": link,
        "calendar": calendar_links(booking, link, location) if change != "cancelled" else None,
        "cutoff_hours": settings().cancel_cutoff_hours,
        "pain_duration_label": PAIN_DURATIONS.get(booking.pain_duration, ""),
        "came_from": describe_context(enquiry.context) or enquiry.context,
        "coach_message": message.strip(),
        "rebook_url": absolute_url("contact.index", topic="consultation"),
    }
    queue_email(
        f"booking-{change}",
        enquiry.email,
        VISITOR_SUBJECTS[change].format(when=visitor_time),
        f"booking_{change}",
        reply_to=config["COACH_EMAIL"],
        attachments=[invite],
        **context,
    )
    if change == "reminder" or by_coach:
        return  # the coach already knows
    queue_email(
        f"booking-{change}-coach",
        config["COACH_EMAIL"],
        COACH_SUBJECTS[change].format(name=enquiry.name, when=coach_time),
        "booking_coach",
        reply_to=enquiry.email,
        about=enquiry.email,
        attachments=[invite],
        **context,
    )


def consultation_line(booking: Booking) -> str:
    """'First assessment, 45 minutes, £60' for emails; empty when no type was chosen."""
    if not booking.consultation_name:
        return ""
    return (
        f"{booking.consultation_name}, {booking.consultation_minutes} minutes, "
        f"{booking.consultation_price}"
    )


def meeting_link(meeting_format: str) -> str:
    """The room of a new video consultation: the coach's fixed link, or a fresh unguessable
    room on her video service (a random name nobody can list or guess); empty if neither."""
    if meeting_format != "video":
        return ""
    rules = settings()
    if rules.meeting_room_url:
        return rules.meeting_room_url
    if rules.meeting_base_url:
        return f"{rules.meeting_base_url.rstrip('/')}/consultation-{secrets.token_urlsafe(18)}"
    return ""


def _location(booking: Booking) -> str:
    if booking.format == "in_person":
        return settings().location or "In person (the address follows by email)"
    if booking.meeting_url:
        return f"Video call: {booking.meeting_url}"
    return ""  # no room yet: say nothing rather than promise a link (How already says video)
