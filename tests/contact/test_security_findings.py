"""The smaller findings of the security review, each as a coach or visitor would notice it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter

from blueprints.booking.links import manage_url
from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.programs.models import Program
from blueprints.programs.signups import cancel_signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import queue_email
from blueprints.studio.uploads import image_as_jpeg
from harness import shutdown_app
from harness.coach import coach_client
from harness.forms import VISITOR, enquiry_data
from harness.programs import make_program, signup_form
from harness.studio import (
    add_enquiry,
    add_post,
    add_program,
    add_signup,
    studio_app,
    text_cells_containing,
)

PROMOTED = "waiting.person@example.org"


@pytest.fixture
def studio(database_file: Path, tmp_path: Path) -> Iterator[Flask]:
    """An empty site with uploads in the test's folder."""
    application = studio_app(database_file, tmp_path / "uploads", seeded=False)
    yield application
    shutdown_app(application)


def test_erasing_a_promoted_person_removes_the_coachs_notice_that_names_them(
    studio: Flask,
) -> None:
    with studio.app_context(), studio.test_request_context():
        program = add_program(title="Full course", capacity=1)
        leaver = add_signup(program, "leaver@example.org")
        # Someone whose address ends in the erased one keeps their email.
        add_signup(add_program(title="Other course"), "mary." + PROMOTED)
        queue_email(
            "test-coach", "coach@example.com", "Note", "signup_cancelled_coach",
            about="mary." + PROMOTED, program=program, was_waitlisted=False,
            signup={"name": "Mary", "email": "mary." + PROMOTED}, promoted=[],
        )  # fmt: skip
        add_signup(program, PROMOTED, status="waitlisted", position=1)
        db.session.commit()
        cancel_signup(leaver)
        notice = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "program-cancelled-coach")
        )
        assert notice is not None and PROMOTED in notice.body_text  # the coach's note names them
    coach = coach_client(studio)
    response = coach.post("/studio/erase/confirm", data={"email": PROMOTED, "confirm": "y"})
    assert response.status_code == 302
    left = text_cells_containing(studio, PROMOTED)
    assert [cell for cell in left if f"mary.{PROMOTED}" not in cell[1]] == []
    assert text_cells_containing(studio, "leaver@example.org")  # nobody else's data went
    with studio.app_context():
        kept = db.session.scalars(select(OutboxMessage.body_text)).all()
    assert any("mary." + PROMOTED in body for body in kept)


def test_the_auto_reply_repeats_nothing_the_visitor_typed(site: Flask, web: FlaskClient) -> None:
    spam = "Cheap pills at http://pills.example, reply now"
    data = enquiry_data(site, message=spam, name="Win a prize at pills.example")
    assert web.post("/contact/", data=data).status_code == 303
    with site.app_context():
        reply = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "enquiry-autoreply")
        )
        coach = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_addr == "maya@studio.example")
        )
    assert reply is not None and coach is not None
    assert "pills.example" not in reply.body_text + (reply.body_html or "")
    assert "two working days" in reply.body_text
    assert spam in coach.body_text  # the coach still reads the whole message


def test_csv_cells_start_no_formula_whatever_the_separator(studio: Flask) -> None:
    with studio.app_context():
        add_enquiry(name="x;@SUM(A1)", message="a\t=HYPERLINK(1)|+1", email="x@example.org")
        db.session.commit()
    coach = coach_client(studio)
    text = coach.get("/studio/export/enquiries.csv").get_data().decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        for separator in (",", ";", "\t", "|"):
            for cell in line.split(separator):
                assert not cell.strip().strip('"').startswith(("=", "+", "-", "@")), (
                    separator,
                    cell,
                )
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "x;'@SUM(A1)"  # still readable, and one cell


def _int_routes(app: Flask, value: int) -> list[tuple[str, str]]:
    """(method, url) for every rule with an <int:> part, that part set to `value`."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            ints = [n for n in rule.arguments if isinstance(rule._converters[n], IntegerConverter)]
            if not ints:
                continue
            values = {name: value if name in ints else "enquiries" for name in rule.arguments}
            path = rule.build(values, append_unknown=False)
            assert path is not None
            url = path[1].split("|", 1)[-1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, url))
    return found


@pytest.mark.parametrize("value", [2**63 - 1, 2**63, 2**64 + 5])
def test_huge_ids_are_not_found_rather_than_a_server_error(studio: Flask, value: int) -> None:
    coach = coach_client(studio)
    routes = _int_routes(studio, value)
    assert len(routes) >= 25  # every <int:> route and method
    for method, url in routes:
        response = coach.open(url, method=method, data={})
        assert response.status_code < 500, (method, url, response.status_code)
        if value > 2**63 - 1:
            assert response.status_code == 404, (method, url)
    for page in ("9223372036854775808", "99999999999999999999999", "-5"):
        assert coach.get(f"/studio/outbox?page={page}").status_code == 200


def test_a_drafts_title_does_not_show_through_the_contact_form(studio: Flask) -> None:
    with studio.app_context():
        add_post(title="Unannounced retreat plans", status="draft")
        add_post(title="Moving through stiffness")
        db.session.commit()
    client = studio.test_client()
    draft = client.get("/contact/?context=article:unannounced-retreat-plans")
    assert "Unannounced retreat plans" not in draft.get_data(as_text=True)
    public = client.get("/contact/?context=article:moving-through-stiffness")
    assert "Moving through stiffness" in public.get_data(as_text=True)


def test_a_jpeg_comment_does_not_survive_the_cover_re_encoding() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "JPEG", comment=b"zq-home-address-comment")
    assert b"zq-home-address-comment" in buffer.getvalue()
    upload = FileStorage(io.BytesIO(buffer.getvalue()), "cover.jpg", content_type="image/jpeg")
    cleaned = image_as_jpeg(upload)
    assert b"zq-home-address-comment" not in cleaned
    assert "comment" not in Image.open(io.BytesIO(cleaned)).info


def test_a_replayed_form_stamp_is_stopped_by_the_rate_limit_and_its_age(
    database_file: Path,
) -> None:
    # The stamp is the page's render time, the same for every visitor of that render (the page
    # is cached whole), so its uses are not counted: people behind one address would share them.
    # A bot replaying one stamp meets the per-address limit, and a day later the stamp is void.
    from harness.contact import seeded_app_with

    app = seeded_app_with(database_file, CONTACT_RATE_LIMIT=3)
    try:
        client = app.test_client()
        data = enquiry_data(app)
        statuses = [
            client.post("/contact/", data={**data, "email": f"bot{n}@example.org"}).status_code
            for n in range(5)
        ]
        assert statuses == [303, 303, 303, 429, 429]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 3
        with time_machine.travel(utcnow() + timedelta(days=1, minutes=1)):
            other = app.test_client()
            answer = other.post(
                "/contact/",
                data={**data, "email": "late@example.org"},
                environ_base={"REMOTE_ADDR": "127.0.0.9"},
            )
            assert answer.status_code == 303  # dropped as spam, with the same answer
            with app.app_context():
                assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 3
    finally:
        shutdown_app(app)


def test_private_pages_are_never_stored_by_a_cache(studio: Flask) -> None:
    with studio.app_context(), studio.test_request_context():
        enquiry = add_enquiry(email="sam@example.org", booked_at=utcnow() + timedelta(days=3))
        db.session.commit()
        booking = db.session.scalar(select(Booking).where(Booking.enquiry_id == enquiry.id))
        manage = manage_url(booking).removeprefix(studio.config["SITE_URL"])
        make_program(studio)
    visitor = studio.test_client()
    assert visitor.get(manage).headers["Cache-Control"] == "no-store"
    visitor.post("/programs/evening-course/signup", data=signup_form(studio))
    with studio.app_context():
        body = db.session.scalar(
            select(OutboxMessage.body_text).where(OutboxMessage.kind == "program-confirmed")
        )
    cancel = body.split("http://localhost", 2)[-1].split()[0]
    assert cancel.startswith("/programs/cancel/")
    assert visitor.get(cancel).headers["Cache-Control"] == "no-store"
    coach = coach_client(studio)
    for path in ("/studio/", "/studio/inbox", "/studio/login"):
        assert coach.get(path).headers["Cache-Control"] == "no-store", path
    # This visitor's session holds the signup's outcome (to show once): their pages are private
    # until it is shown. A visitor with no session gets the public, cacheable page.
    assert visitor.get("/").headers["Cache-Control"] == "private, no-store"
    assert "public" in studio.test_client().get("/").headers["Cache-Control"]


def _session_text(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return json.dumps(dict(session))


def test_the_session_cookie_never_carries_a_visitors_address(site: Flask, web: FlaskClient) -> None:
    assert web.post("/contact/", data=enquiry_data(site)).status_code == 303
    assert "@" not in _session_text(web)
    assert f"<strong>{VISITOR}</strong>" in web.get("/contact/thanks").get_data(as_text=True)
    with site.app_context():
        program_slug = db.session.scalar(select(Program.slug).where(Program.is_open).limit(1))
    response = web.post(
        f"/programs/{program_slug}/signup", data=signup_form(site, email="ann@example.org")
    )
    assert response.status_code == 303
    assert "@" not in _session_text(web)
    page = web.get(response.location).get_data(as_text=True)
    # The outcome survives the redirect without the address in the cookie (the page says the
    # same to every address since issue 24's N5: the email tells place or waitlist).
    assert "Your signup has arrived" in page
