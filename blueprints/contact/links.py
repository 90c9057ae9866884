"""Links in and out of the contact pages: signed booking links, absolute URLs, referring pages."""

from __future__ import annotations

from sqlalchemy import select

from blueprints.contact.models import Booking
from blueprints.shared.extensions import db
from blueprints.shared.signing import InvalidLink, sign, unsign
from blueprints.shared.urls import absolute_url

BOOKING_LINK = "booking"


def manage_token(booking: Booking) -> str:
    """The signed token in a visitor's cancel/reschedule link (it names the booking's UID)."""
    return sign(BOOKING_LINK, booking.uid)


def manage_url(booking: Booking) -> str:
    """The absolute cancel/reschedule link for emails."""
    return absolute_url("contact.manage_booking", token=manage_token(booking))


def booking_for_token(token: str) -> Booking:
    """The booking a signed link names; InvalidLink if forged, altered or the booking is gone."""
    uid = unsign(BOOKING_LINK, token)
    booking = db.session.scalar(select(Booking).where(Booking.uid == str(uid)))
    if booking is None:
        raise InvalidLink("This booking no longer exists.")
    return booking


def describe_context(context: str) -> str:
    """'the article "Title"' for a reference like 'article:slug'; empty if unknown."""
    kind, _, slug = context.partition(":")
    if not slug:
        return ""
    from blueprints.blog.models import Post
    from blueprints.blog.queries import is_public
    from blueprints.drills.models import Drill
    from blueprints.programs.models import Program

    lookups = {
        "article": (Post.title, Post.slug, "the article"),
        "drill": (Drill.name, Drill.slug, "the drill"),
        "program": (Program.title, Program.slug, "the program"),
    }
    if kind not in lookups:
        return ""
    title_column, slug_column, label = lookups[kind]
    query = select(title_column).where(slug_column == slug)
    if kind == "article":  # a draft's title is the coach's until it is published
        query = query.where(is_public())
    title = db.session.scalar(query)
    return f"{label} \u201c{title}\u201d" if title else ""
