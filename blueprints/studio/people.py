"""One page per person: everything the site holds about an email address, and private notes.

A person is their email address (compared without case) across enquiries, bookings, program
signups, clients and newsletter subscribers; no table joins them, so none needs keeping in
step. The page's address carries the email signed, not in plain text, so it never lands in a
server log or a browser history as an address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from blueprints.contact.models import PAIN_DURATIONS, RED_FLAGS, TOPICS, Enquiry
from blueprints.me.models import RED_FLAGS as LOG_RED_FLAGS
from blueprints.me.models import Client, Plan, SessionLog
from blueprints.newsletter.models import Subscriber
from blueprints.programs.models import Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.signing import InvalidLink, sign, unsign
from blueprints.studio import bp
from blueprints.studio.booking_forms import ATTENDANCE
from blueprints.studio.models import PersonNote

PERSON_LINK = "person"
LOG_LENGTH = 20


def person_key(email: str) -> str:
    """The signed key of a person's page."""
    return sign(PERSON_LINK, email.strip().lower())


@bp.app_template_global()
def person_url(email: str) -> str:
    """The studio page of the person with this email address."""
    return url_for("studio.person", key=person_key(email))


class NoteForm(FlaskForm):
    """A private note about a person."""

    body = TextAreaField(
        "Private note",
        validators=[
            DataRequired(message="Write the note first."),
            Length(max=5000, message="Keep a note under 5000 characters."),
        ],
    )


@dataclass
class Person:
    """What the site holds about one email address."""

    email: str
    enquiries: list[Enquiry] = field(default_factory=list)
    signups: list[Signup] = field(default_factory=list)
    client: Client | None = None
    plan: Plan | None = None
    sessions: list[SessionLog] = field(default_factory=list)
    subscriber: Subscriber | None = None
    notes: list[PersonNote] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name they gave most recently (a signup or an enquiry), else the address."""
        named = [(s.created_at, s.name) for s in self.signups]
        named += [(e.created_at, e.name) for e in self.enquiries]
        return max(named)[1] if named else self.email

    @property
    def phone(self) -> str:
        """The newest phone number they gave, if any."""
        return next((s.phone for s in self.signups if s.phone), "")

    @property
    def bookings(self) -> list:  # type: ignore[type-arg]
        """Their consultations, newest first."""
        found = [e.booking for e in self.enquiries if e.booking is not None]
        return sorted(found, key=lambda booking: booking.starts_at, reverse=True)

    @property
    def known(self) -> bool:
        """True when any table holds this address."""
        return bool(self.enquiries or self.signups or self.client or self.subscriber or self.notes)


def _same_email(column):  # type: ignore[no-untyped-def]
    return func.lower(column)


def person_for(email: str) -> Person:
    """Everything held about `email`, each list newest first."""
    email = email.strip().lower()
    person = Person(email=email)
    person.enquiries = list(
        db.session.scalars(
            select(Enquiry)
            .where(_same_email(Enquiry.email) == email)
            .options(selectinload(Enquiry.booking))
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
        )
    )
    person.signups = list(
        db.session.scalars(
            select(Signup)
            .where(_same_email(Signup.email) == email)
            .options(selectinload(Signup.program))
            .order_by(Signup.created_at.desc(), Signup.id.desc())
        )
    )
    person.client = db.session.scalar(select(Client).where(_same_email(Client.email) == email))
    if person.client is not None:
        person.plan = db.session.scalar(
            select(Plan)
            .where(Plan.client_id == person.client.id)
            .options(selectinload(Plan.drills))
            .order_by(Plan.id.desc())
            .limit(1)
        )
        person.sessions = list(
            db.session.scalars(
                select(SessionLog)
                .where(SessionLog.client_id == person.client.id)
                .options(selectinload(SessionLog.entries))
                .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
                .limit(LOG_LENGTH)
            )
        )
    person.subscriber = db.session.scalar(
        select(Subscriber).where(_same_email(Subscriber.email) == email)
    )
    person.notes = list(
        db.session.scalars(
            select(PersonNote)
            .where(PersonNote.email == email)
            .order_by(PersonNote.created_at.desc(), PersonNote.id.desc())
        )
    )
    return person


def _email_for(key: str) -> str:
    try:
        return str(unsign(PERSON_LINK, key))
    except InvalidLink:
        abort(404)


def _render(person: Person, key: str, form: NoteForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "studio/person.html",
        person=person,
        key=key,
        note_form=form,
        topics=TOPICS,
        pain_durations=PAIN_DURATIONS,
        red_flags=RED_FLAGS,
        log_red_flags=LOG_RED_FLAGS,
        attendance=ATTENDANCE,
        now=utcnow(),
    ), status


@bp.get("/people/<key>")
def person(key: str) -> ResponseReturnValue:
    """Who this is, what they told us, their bookings, programs, log, plan and newsletter."""
    found = person_for(_email_for(key))
    if not found.known:
        abort(404)
    return _render(found, key, NoteForm(formdata=None))


@bp.post("/people/<key>/notes")
def person_note_add(key: str) -> ResponseReturnValue:
    """Keep a private note on this person (only the studio sees it)."""
    email = _email_for(key)
    form = NoteForm()
    if not form.validate():
        return _render(person_for(email), key, form, 422)
    db.session.add(
        PersonNote(email=email, body=form.body.data.strip(), written_by=current_user.email)
    )
    db.session.commit()
    flash("Note kept. Only the studio sees it.", "success")
    return redirect(url_for("studio.person", key=key, _anchor="notes"), code=303)
