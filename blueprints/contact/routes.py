"""The contact page: one form for messages and consultation bookings (stored by booking)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select

from blueprints.booking.bookings import (
    Consultation,
    SlotTaken,
    SlotUnavailable,
    book_consultation,
)
from blueprints.booking.links import manage_token
from blueprints.booking.models import Booking
from blueprints.booking.picker import (
    offered_formats,
    parse_day,
    remember_zone_from_link,
    visitor_zone,
)
from blueprints.booking.routes import contact_picker
from blueprints.booking.slots import parse_slot_value, settings
from blueprints.booking.when import coach_when_if_other_zone, visitor_when
from blueprints.coach.public import CoachOnPage, coach_on_page, consultation_choice_label
from blueprints.contact import bp
from blueprints.contact.enquiries import Intake, Visitor, record_enquiry
from blueprints.contact.forms import ContactForm, as_choices, clean_context
from blueprints.contact.links import describe_context
from blueprints.contact.models import RED_FLAGS, TOPICS, Enquiry
from blueprints.shared.extensions import csrf, db
from blueprints.shared.hours import request_hour_style
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.http_cache import public_page
from blueprints.shared.ratelimit import allow

RATE_WINDOW_SECONDS = 3600


bp.after_request(remember_zone_from_link)


@bp.get("/")
@public_page
def index() -> Response:
    """The form, prefilled from the query (topic, context, tz, day); htmx gets the booking part."""
    topic = request.args.get("topic", "")
    form = ContactForm(
        topic=topic if topic in TOPICS else "other",
        context=clean_context(request.args.get("context")),
    )
    form.prime_spam_guard()
    return _render_form(
        form,
        200,
        zone=visitor_zone(request.args.get("tz")),
        day=parse_day(request.args.get("day")),
        partial="contact/_booking.html",
    )


@bp.post("/")
@csrf.exempt  # a public page's form: origin_check guards it
def submit() -> Response:
    """Validate, then store the message or the booking (with its emails) in one transaction."""
    form = ContactForm()
    form.format.choices = as_choices(offered_formats())
    coach = coach_on_page(testimonials=1)
    form.consultation.choices = _consultation_choices(coach)
    if not form.validate():
        return _render_form(form, 422)
    if form.looks_like_spam():
        return _done({"kind": "enquiry", "email": form.email.data})  # looks normal, stores nothing
    limit = current_app.config["CONTACT_RATE_LIMIT"]
    if not allow("contact", limit, RATE_WINDOW_SECONDS):
        return _render_form(form, 429, form_error=_rate_limited_message())
    visitor = _visitor(form)
    if not form.is_consultation():
        enquiry = record_enquiry(visitor)
        return _done({"kind": "enquiry", "email": visitor.email, "enquiry_id": enquiry.id})
    intake = Intake(
        form.reason.data.strip(), form.pain_duration.data, form.red_flags_answered_yes()
    )
    if intake.red_flags:
        enquiry = record_enquiry(visitor, intake)
        return _done(
            {
                "kind": "red_flags",
                "email": visitor.email,
                "flags": intake.red_flags,
                "enquiry_id": enquiry.id,
            }
        )
    try:
        booking = book_consultation(
            visitor,
            intake,
            parse_slot_value(form.slot.data),
            form.format.data,
            _zone(form),
            consultation=_chosen_consultation(coach, form.consultation.data),
            visitor_hours=request_hour_style(),
        )
    except SlotTaken as taken:
        return _render_form(form, 409, slot_error=taken.message, keep_slot=False)
    except SlotUnavailable as unavailable:
        return _render_form(form, 422, slot_error=unavailable.message, keep_slot=False)
    return _done({"kind": "booked", "email": visitor.email, "booking_uid": booking.uid})


@bp.get("/thanks")
def thanks() -> Response | str:
    """After a plain (no-JavaScript) submission: what happened, from the session."""
    outcome = session.get("contact_done")
    if not outcome:
        return redirect(url_for("contact.index"))
    return render_template("contact/done.html", **_outcome_context(outcome))


def _visitor(form: ContactForm) -> Visitor:
    return Visitor(
        name=form.name.data.strip(),
        email=form.email.data,
        topic=form.topic.data,
        message=(form.message.data or "").strip(),
        context=clean_context(form.context.data),
    )


def _consultation_choices(coach: CoachOnPage) -> list[Any]:
    return as_choices(
        [
            (str(kind.id), consultation_choice_label(kind, coach.currency))
            for kind in coach.consultations
        ]
    )


def _chosen_consultation(coach: CoachOnPage, value: str | None) -> Consultation | None:
    """The type the visitor picked, as the booking will keep it (the form checked the id)."""
    for kind in coach.consultations:
        if str(kind.id) == value:
            return Consultation(kind.name, kind.minutes, coach.price(kind))
    return None


def _zone(form: ContactForm) -> str:
    return form.timezone.data or current_app.config["COACH_TIMEZONE"]


def _rate_limited_message() -> str:
    coach_email = current_app.config["COACH_EMAIL"]
    return (
        "Several messages have come from your connection in the last hour, so this one was "
        f"not sent. Please try again later, or email {coach_email} directly."
    )


def _render_form(
    form: ContactForm,
    status: int,
    *,
    zone: str | None = None,
    day: date | None = None,
    partial: str = "contact/_form.html",
    form_error: str | None = None,
    slot_error: str | None = None,
    keep_slot: bool = True,
) -> Response:
    form.format.choices = as_choices(offered_formats())
    coach = coach_on_page(testimonials=1)
    form.consultation.choices = _consultation_choices(coach)
    if not form.is_submitted() and coach.consultations:
        form.consultation.data = str(coach.consultations[0].id)  # ticked first: the coach's order
    context = clean_context(form.context.data)
    picker = None
    if form.is_consultation():
        picker = contact_picker(
            zone or visitor_zone(form.timezone.data),
            context,
            day,
            selected=(form.slot.data or "") if keep_slot else "",
            error=slot_error or (form.slot.errors[0] if form.slot.errors else None),
        )
    return render_page_or_partial(
        "contact/index.html",
        partial,
        status,
        form=form,
        picker=picker,
        form_error=form_error,
        context_label=describe_context(context),
        rules=settings(),
        red_flags=RED_FLAGS,
        coach=coach,
    )


def _done(outcome: dict[str, Any]) -> Response:
    """htmx: the success message in place of the form; otherwise POST/redirect/GET."""
    if is_htmx_request():
        html = render_template("contact/_done.html", **_outcome_context(outcome))
        return current_app.make_response(html)
    # The session cookie is signed, not encrypted: it carries ids, never the visitor's address.
    session["contact_done"] = {key: value for key, value in outcome.items() if key != "email"}
    return redirect(url_for("contact.thanks"), code=303)


def _outcome_context(outcome: dict[str, Any]) -> dict[str, Any]:
    booking = None
    if outcome.get("booking_uid"):
        booking = db.session.scalar(select(Booking).where(Booking.uid == outcome["booking_uid"]))
    if "email" not in outcome:  # after the redirect: the address comes from what was stored
        enquiry = booking.enquiry if booking else None
        if enquiry is None and outcome.get("enquiry_id"):
            enquiry = db.session.get(Enquiry, outcome["enquiry_id"])
        outcome = {**outcome, "email": enquiry.email if enquiry else ""}
    context: dict[str, Any] = {
        "outcome": outcome,
        "booking": booking,
        "red_flag_questions": [RED_FLAGS[key] for key in outcome.get("flags", [])],
        "reply_within": current_app.config["CONTACT_REPLY_WITHIN"],
        "cutoff_hours": settings().cancel_cutoff_hours,
    }
    if booking is not None:
        context["visitor_when"] = visitor_when(booking, request_hour_style())
        context["coach_when"] = coach_when_if_other_zone(booking)
        # On the page a path is enough (and stays on the host the visitor is on).
        context["manage_url"] = url_for("booking.manage_booking", token=manage_token(booking))
    return context
