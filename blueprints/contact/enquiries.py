"""Storing an enquiry and queuing its emails, in one transaction (the outbox).

A consultation booking starts as an enquiry too: `blueprints.booking.bookings` stores both
together with `new_enquiry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from blueprints.contact.links import describe_context
from blueprints.contact.models import PAIN_DURATIONS, RED_FLAGS, TOPICS, Enquiry
from blueprints.shared.database import serialized_write
from blueprints.shared.outbox import queue_email


@dataclass(frozen=True)
class Visitor:
    """Who wrote and what about."""

    name: str
    email: str
    topic: str
    message: str = ""
    context: str = ""


@dataclass(frozen=True)
class Intake:
    """The short consultation questionnaire."""

    reason: str
    pain_duration: str
    red_flags: list[str] = field(default_factory=list)


def record_enquiry(visitor: Visitor, intake: Intake | None = None) -> Enquiry:
    """Store a message (or a consultation request not booked because of red flags) and mail it."""
    with serialized_write("enquiry") as session:
        enquiry = new_enquiry(visitor, intake)
        session.add(enquiry)
        session.flush()
        _queue_enquiry_emails(enquiry)
    return enquiry


def new_enquiry(visitor: Visitor, intake: Intake | None) -> Enquiry:
    """An unsaved enquiry from what the visitor sent."""
    return Enquiry(
        name=visitor.name,
        email=visitor.email,
        topic=visitor.topic,
        message=visitor.message,
        context=visitor.context,
        reason=intake.reason if intake else "",
        pain_duration=intake.pain_duration if intake else "",
        red_flags=",".join(intake.red_flags) if intake else "",
        status="new",
    )


def _queue_enquiry_emails(enquiry: Enquiry) -> None:
    config = current_app.config
    flags = [RED_FLAGS[key] for key in enquiry.red_flags.split(",") if key in RED_FLAGS]
    context = {
        "enquiry": enquiry,
        "topic": TOPICS[enquiry.topic],
        "red_flags": flags,
        "pain_duration_label": PAIN_DURATIONS.get(enquiry.pain_duration, ""),
        "came_from": describe_context(enquiry.context) or enquiry.context,
    }
    subject = (
        f"Consultation request from {enquiry.name}: red flags, not booked"
        if flags
        else f"New enquiry from {enquiry.name}: {TOPICS[enquiry.topic]}"
    )
    queue_email(
        "enquiry-coach",
        config["COACH_EMAIL"],
        subject,
        "contact_enquiry_coach",
        reply_to=enquiry.email,
        about=enquiry.email,
        **context,
    )
    queue_email(
        "enquiry-red-flags" if flags else "enquiry-autoreply",
        enquiry.email,
        "Before we book: please see a clinician first"
        if flags
        else f"Thank you for your message to {config['COACH_NAME']}",
        "contact_red_flags" if flags else "contact_autoreply",
        reply_to=config["COACH_EMAIL"],
        reply_within=config["CONTACT_REPLY_WITHIN"],
        **context,
    )
