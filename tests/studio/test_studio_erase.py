"""Erasing a person: a look first, a confirmation, then nothing with their email is left."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.programs.models import Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.outbox import queue_email
from blueprints.studio.models import ErasureLog
from harness.coach import COACH_EMAIL
from harness.instants import clock_marks
from harness.studio import (
    add_comment,
    add_enquiry,
    add_post,
    add_program,
    add_signup,
    text_cells_containing,
)

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")

PERSON = "Jo.Rivers@Example.com"
OTHER = "kim@example.com"


@pytest.fixture
def studio_site() -> dict[str, object]:
    """The seeded site."""
    return {"seeded": True}


@pytest.fixture(autouse=True)
def _left_behind(app: Flask) -> None:
    """Everything one person left behind, and someone else's data."""
    with app.app_context(), app.test_request_context():
        for number, email in enumerate((PERSON, OTHER)):
            start = utcnow() + timedelta(days=2, hours=len(email))
            add_enquiry(email=email, name=f"Name of {email}", booked_at=start)
            enquiry = add_enquiry(email=email.lower(), name=f"Again {email}", message="Hello?")
            add_signup(add_program(title=f"Program {number}"), email.lower())
            add_comment(add_post(title=f"Post {number}"), email)
            # One email to them, and one to the coach about them.
            queue_email("test", email, "Your booking", "contact_autoreply", enquiry=enquiry)
            queue_email(
                "test-coach",
                "coach@example.com",
                f"New enquiry from {email}",
                "contact_autoreply",
                about=email,
                enquiry=enquiry,
            )
        db.session.commit()


def test_looking_up_shows_what_is_stored_and_removes_nothing(
    app: Flask, coach: FlaskClient
) -> None:
    assert coach.get("/studio/erase").status_code == 200
    response = coach.post("/studio/erase", data={"email": "  jo.rivers@example.com "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Erase everything about jo.rivers@example.com?" in html
    for kind, count in [
        ("Bookings", 1),
        ("Enquiries", 2),
        ("Signups", 1),
        ("Comments", 1),
        ("Emails", 2),
    ]:
        assert f'<th scope="row">{kind}</th><td>{count}</td>' in html
    assert text_cells_containing(app, PERSON)  # still all there


def test_an_address_with_nothing_stored_says_so(coach: FlaskClient) -> None:
    response = coach.post("/studio/erase", data={"email": "stranger@example.com"})
    assert response.status_code == 422
    assert "Nothing is stored under this email address." in response.get_data(as_text=True)
    bad = coach.post("/studio/erase", data={"email": "not an email"})
    assert bad.status_code == 422 and 'id="email-error"' in bad.get_data(as_text=True)


def test_erasing_needs_the_confirmation_box(app: Flask, coach: FlaskClient) -> None:
    response = coach.post("/studio/erase/confirm", data={"email": PERSON.lower()})
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    assert text_cells_containing(app, PERSON)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ErasureLog)) == 0


def test_erasing_leaves_no_row_with_that_email_anywhere(app: Flask, coach: FlaskClient) -> None:
    before_other = text_cells_containing(app, OTHER)
    response = coach.post(
        "/studio/erase/confirm",
        data={"email": PERSON.lower(), "confirm": "y"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Erased everything the site held about" in response.get_data(as_text=True)
    assert text_cells_containing(app, PERSON) == []
    assert text_cells_containing(app, "jo.rivers") == []
    assert text_cells_containing(app, OTHER) == before_other  # nobody else lost anything
    with app.app_context():
        [entry] = db.session.scalars(select(ErasureLog)).all()
        assert entry.email_sha256 == hashlib.sha256(PERSON.lower().encode()).hexdigest()
        assert (entry.rows_removed, entry.erased_by) == (7, COACH_EMAIL)
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
        assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 2
        assert db.session.scalar(select(func.count()).select_from(Signup)) == 1
    log_page = coach.get("/studio/erase").get_data(as_text=True)
    assert "Erasures so far" in log_page and "jo.rivers" not in log_page.lower()


def test_a_place_freed_by_erasure_goes_to_the_first_person_waiting(
    app: Flask, coach: FlaskClient
) -> None:
    with app.app_context():
        program = add_program(title="Full course", capacity=1)
        add_signup(program, PERSON.lower())
        add_signup(program, "waiting@example.com", status="waitlisted", position=1)
        db.session.commit()
        program_id = program.id
    coach.post("/studio/erase/confirm", data={"email": PERSON.lower(), "confirm": "y"})
    with app.app_context():
        waiting = db.session.scalar(select(Signup).where(Signup.email == "waiting@example.com"))
        assert (waiting.program_id, waiting.status, waiting.waitlist_position) == (
            program_id,
            "confirmed",
            None,
        )
    assert text_cells_containing(app, PERSON) == []
