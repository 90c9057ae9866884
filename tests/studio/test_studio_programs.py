"""Programs in the studio: create, edit, delete; signups, the waitlist and cancelling a place."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer
from harness.studio import add_program, add_signup


@pytest.fixture
def studio_site() -> dict[str, object]:
    """An empty site that sends its mail to a loopback SMTP server."""
    return {"mail": True}


def program_form(**overrides: object) -> dict[str, object]:
    """A valid program form."""
    return {
        "title": "Bend Without Fear",
        "slug": "",
        "summary": "Six weeks of loaded flexion for people who have been told never to bend.",
        "body_md": "## Who it is for\n\nAnyone whose back tightens when they **bend**.",
        "level": "beginner",
        "duration_weeks": "6",
        "sessions_per_week": "2",
        "directions": ["flexion", "rotation"],
        "price_text": "£240 for six weeks",
        "payment_url": "https://pay.example.com/bend",
        "start_date": "2099-03-02",
        "capacity": "8",
        "is_open": "y",
        **overrides,
    }


def the_program(app: Flask, slug: str = "bend-without-fear") -> Program | None:
    """The stored program (detached)."""
    with app.app_context():
        program = db.session.scalar(select(Program).where(Program.slug == slug))
        if program is not None:
            db.session.expunge(program)
        return program


def signups_of(app: Flask, program_id: int) -> dict[str, tuple[str, int | None]]:
    """email -> (status, waitlist position)."""
    with app.app_context():
        rows = db.session.scalars(select(Signup).where(Signup.program_id == program_id))
        return {row.email: (row.status, row.waitlist_position) for row in rows}


def test_create_edit_and_delete_a_program(app: Flask, coach: FlaskClient) -> None:
    response = coach.post("/studio/programs/new", data=program_form())
    program = the_program(app)
    assert (
        response.status_code == 302 and response.location == f"/studio/programs/{program.id}/edit"
    )
    assert (program.capacity, program.start_date, program.is_open) == (8, date(2099, 3, 2), True)
    assert program.directions == ["flexion", "rotation"]
    assert "<strong>bend</strong>" in program.body_html
    assert "Bend Without Fear" in coach.get("/programs/").get_data(as_text=True)

    coach.post(
        f"/studio/programs/{program.id}/edit",
        data=program_form(capacity="", start_date="", is_open="", directions=["flexion"]),
    )
    edited = the_program(app)
    assert (edited.capacity, edited.start_date, edited.is_open) == (None, None, False)
    assert edited.directions == ["flexion"]

    assert coach.get(f"/studio/programs/{program.id}/delete").status_code == 200
    assert the_program(app) is not None
    assert coach.post(f"/studio/programs/{program.id}/delete").status_code == 302
    assert the_program(app) is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Give the program a title."),
        ({"capacity": "0"}, "capacity", "Use at least 1 place."),
        ({"duration_weeks": "abc"}, "duration_weeks", "Not a valid integer"),
        ({"payment_url": "http://pay.example.com/x"}, "payment_url", "Use an https:// address."),
        ({"start_date": "31/02/2099"}, "start_date", "Not a valid date"),
    ],
)
def test_bad_program_input_is_shown_next_to_the_field(
    app: Flask, coach: FlaskClient, overrides: dict[str, object], field: str, message: str
) -> None:
    response = coach.post("/studio/programs/new", data=program_form(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert the_program(app) is None


def _program_with_people(app: Flask) -> int:
    with app.app_context():
        program = add_program(capacity=2)
        add_signup(program, "ana@example.com")
        add_signup(program, "ben@example.com")
        add_signup(program, "cleo@example.com", status="waitlisted", position=1)
        add_signup(program, "dev@example.com", status="waitlisted", position=2)
        db.session.commit()
        return program.id


def test_the_signups_page_shows_places_and_the_waitlist_in_order(
    app: Flask, coach: FlaskClient
) -> None:
    program_id = _program_with_people(app)
    html = coach.get(f"/studio/programs/{program_id}/signups").get_data(as_text=True)
    assert "2 of 2 places taken" in html and "2 waiting" in html
    assert (
        html.index("ana@example.com")
        < html.index("cleo@example.com")
        < html.index("dev@example.com")
    )
    dashboard = coach.get("/studio/").get_data(as_text=True)
    assert "Strong Spine Basics</a>: 2 waiting" in dashboard


def test_capacity_cannot_drop_below_the_places_taken(app: Flask, coach: FlaskClient) -> None:
    program_id = _program_with_people(app)
    response = coach.post(
        f"/studio/programs/{program_id}/edit",
        data=program_form(title="Strong Spine Basics", slug="strong-spine-basics", capacity="1"),
    )
    assert response.status_code == 422
    assert "2 people already have places" in response.get_data(as_text=True)
    assert the_program(app, "strong-spine-basics").capacity == 2


def test_raising_capacity_gives_places_to_the_people_waiting(
    app: Flask, coach: FlaskClient, smtp_server: SmtpServer
) -> None:
    program_id = _program_with_people(app)
    coach.post(
        f"/studio/programs/{program_id}/edit",
        data=program_form(title="Strong Spine Basics", slug="strong-spine-basics", capacity="3"),
    )
    assert signups_of(app, program_id)["cleo@example.com"] == ("confirmed", None)
    assert signups_of(app, program_id)["dev@example.com"] == ("waitlisted", 1)
    with app.app_context():
        deliver_due()
    assert len(smtp_server.recorder.to("cleo@example.com")) == 1


def test_a_program_with_people_on_it_cannot_be_deleted(app: Flask, coach: FlaskClient) -> None:
    program_id = _program_with_people(app)
    page = coach.get(f"/studio/programs/{program_id}/delete").get_data(as_text=True)
    assert "cannot be deleted while they are on it" in page
    assert coach.post(f"/studio/programs/{program_id}/delete").status_code == 409
    assert the_program(app, "strong-spine-basics") is not None


def test_cancelling_a_place_promotes_the_first_person_waiting_and_emails_them(
    app: Flask, coach: FlaskClient, smtp_server: SmtpServer
) -> None:
    program_id = _program_with_people(app)
    with app.app_context():
        ana = db.session.scalar(select(Signup.id).where(Signup.email == "ana@example.com"))
    response = coach.post(
        f"/studio/programs/signups/{ana}/cancel", data={"confirmed": "yes"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Cleo moved up from the waiting list" in response.get_data(as_text=True)
    people = signups_of(app, program_id)
    assert people["ana@example.com"][0] == "cancelled"
    assert people["cleo@example.com"] == ("confirmed", None)
    assert people["dev@example.com"] == ("waitlisted", 1)
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
        deliver_due()
    assert "program-cancelled-coach" not in kinds  # the coach did it herself
    [promotion] = smtp_server.recorder.to("cleo@example.com")
    assert "place opened up" in promotion.message["Subject"]
    # The person whose place it was is told, in plain text and HTML, once.
    [told] = smtp_server.recorder.to("ana@example.com")[-1:]
    assert told.message["Subject"] == "Your place on Strong Spine Basics has been cancelled"
    plain = told.message.get_body(("plain",)).get_content()
    html = told.message.get_body(("html",)).get_content()
    assert "I have had to cancel your place on Strong Spine Basics" in plain
    assert "/programs/strong-spine-basics" in plain and "/programs/strong-spine-basics" in html
    assert "<h1" in html and "has been cancelled" in html
    assert kinds.count("program-cancelled-by-coach") == 1
    again = coach.post(f"/studio/programs/signups/{ana}/cancel", data={"confirmed": "yes"})
    assert again.status_code == 409


def test_cancel_by_get_or_unconfirmed_post_only_asks(app: Flask, coach: FlaskClient) -> None:
    program_id = _program_with_people(app)
    assert "Nothing has been sent yet" in coach.get("/studio/programs/signups/1/cancel").text
    assert "Nothing has been sent yet" in coach.post("/studio/programs/signups/1/cancel").text
    assert signups_of(app, program_id)["ana@example.com"][0] == "confirmed"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_program_whose_signups_were_all_cancelled_can_be_deleted(
    app: Flask, coach: FlaskClient
) -> None:
    with app.app_context():
        program = add_program()
        add_signup(program, "gone@example.com", status="cancelled")
        db.session.commit()
        program_id = program.id
    assert coach.post(f"/studio/programs/{program_id}/delete").status_code == 302
    assert the_program(app, "strong-spine-basics") is None
    assert signups_of(app, program_id) == {}
