"""Writing and sending from the studio: the drill picker, an article's email confirmed before it
goes (with its preview and a test to the coach), every sent email readable, in-place actions that
say what they did."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.newsletter.models import NewsletterSend
from blueprints.shared.clock import utc_to_coach_local, utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness.coach import COACH_EMAIL
from harness.newsletter import add_confirmed, article_form
from harness.studio import add_enquiry

HTMX = {"HX-Request": "true"}


@pytest.fixture
def studio_site() -> dict[str, object]:
    """The demo content (its drills and programs)."""
    return {"seeded": True}


def count(app: Flask, model: type) -> int:
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(model)) or 0
        db.session.remove()
    return total


def save_ticked(coach: FlaskClient, title: str, **form: str) -> int:
    """Save a new article with the newsletter box ticked; returns its id (from the redirect)."""
    response = coach.post("/studio/articles/new", data=article_form(title, **form))
    assert response.status_code == 302
    match = re.fullmatch(r"/studio/articles/(\d+)/email", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_the_picker_finds_drills_by_name_and_gives_the_line_to_paste(coach: FlaskClient) -> None:
    page = coach.get("/studio/articles/drills-to-insert?drill_name=CAT").get_data(as_text=True)
    assert "Cat-cow" in page and "[[drill:cat-cow]]" in page
    assert "data-insert-drill" not in page  # alone, a page to copy from: no buttons
    partial = coach.get("/studio/articles/drills-to-insert?drill_name=cat", headers=HTMX)
    html = partial.get_data(as_text=True)
    assert "<html" not in html and 'data-insert-drill="[[drill:cat-cow]]"' in html
    assert "HX-Request" in partial.headers["Vary"]
    # Words are words, never patterns: % matches only a drill named with a %.
    nothing = coach.get("/studio/articles/drills-to-insert?drill_name=%25").get_data(as_text=True)
    assert "No drill has" in nothing and "[[drill:" not in nothing
    editor = coach.get("/studio/articles/new").get_data(as_text=True)
    assert "Insert a drill" in editor and 'form="drill-finder"' in editor


def test_ticking_the_box_sends_nothing_until_the_coach_confirms(
    app: Flask, coach: FlaskClient
) -> None:
    add_confirmed(app, 3)
    post_id = save_ticked(coach, "Hips before spine")
    assert count(app, NewsletterSend) == 0 and count(app, OutboxMessage) == 0
    page = coach.get(f"/studio/articles/{post_id}/email")
    html = page.get_data(as_text=True)
    assert "Email it to 3 readers" in html and 'name="readers" value="3"' in html
    assert "frame-src 'self'" in page.headers["Content-Security-Policy"]

    # A reader arrived meanwhile: the count she saw is out of date, so she is asked again.
    add_confirmed(app, 1, start=3)
    stale = coach.post(f"/studio/articles/{post_id}/email/send", data={"readers": "3"})
    assert stale.status_code == 409
    assert "changed to 4" in stale.get_data(as_text=True)
    assert count(app, NewsletterSend) == 0

    sent = coach.post(f"/studio/articles/{post_id}/email/send", data={"readers": "4"})
    assert sent.status_code == 303
    assert count(app, NewsletterSend) == 1
    again = coach.get(f"/studio/articles/{post_id}/email").get_data(as_text=True)
    assert "Email it to" not in again


def test_a_confirmed_email_for_a_scheduled_article_can_be_taken_back(
    app: Flask, coach: FlaskClient
) -> None:
    add_confirmed(app, 2)
    with app.app_context():
        at = utc_to_coach_local(utcnow() + timedelta(days=1))
    when = {"publication": "scheduled", "publish_at": f"{at:%Y-%m-%dT%H:%M}"}
    post_id = save_ticked(coach, "Sleeping on your side", **when)
    coach.post(f"/studio/articles/{post_id}/email/send", data={"readers": "2"})
    page = coach.get(f"/studio/articles/{post_id}/email").get_data(as_text=True)
    assert "It goes to your readers when the article appears" in page
    coach.post(f"/studio/articles/{post_id}/email/cancel")
    assert count(app, NewsletterSend) == 0


def test_the_test_goes_to_the_coach_alone_through_the_outbox(
    app: Flask, coach: FlaskClient
) -> None:
    add_confirmed(app, 2)
    post_id = save_ticked(coach, "Desk breaks that work")
    response = coach.post(f"/studio/articles/{post_id}/email/test")
    assert response.status_code == 303
    with app.app_context():
        [test] = db.session.scalars(select(OutboxMessage)).all()
        assert (test.to_addr, test.subject) == (COACH_EMAIL, "Test: Desk breaks that work")
        assert "/blog/desk-breaks-that-work" in test.body_text
        assert test.headers is None  # no one-click unsubscribe: it belongs to no reader
        db.session.remove()
    assert count(app, NewsletterSend) == 0


def test_an_emails_own_html_is_framed_where_nothing_can_run(app: Flask, coach: FlaskClient) -> None:
    with app.app_context():
        message = OutboxMessage(
            kind="enquiry-coach",
            to_addr="coach@example.com",
            subject="A question",
            body_text="Hello <script>alert(1)</script>",
            body_html="<p>Hello</p><script>alert(1)</script>",
            message_id="<frame@test>",
        )
        db.session.add(message)
        db.session.commit()
        message_id = message.id
        db.session.remove()
    page = coach.get(f"/studio/outbox/{message_id}").get_data(as_text=True)
    assert 'sandbox=""' in page and f"/studio/outbox/{message_id}/html" in page
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;" in page  # the text part, as text
    assert "enquiry-coach" not in page
    frame = coach.get(f"/studio/outbox/{message_id}/html")
    policy = frame.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    preview = coach.get("/studio/articles/1/email/preview")
    assert preview.headers["Content-Security-Policy"] == policy


def test_an_action_in_place_says_what_it_did(app: Flask, coach: FlaskClient) -> None:
    with app.app_context():
        enquiry = add_enquiry(name="Ines Moreau", email="ines@example.com")
        db.session.commit()
        enquiry_id = enquiry.id
        db.session.remove()
    page = coach.get("/studio/inbox").get_data(as_text=True)
    assert 'Mark answered<span class="visually-hidden">: Ines Moreau</span>' in page
    assert 'href="#studio-content"' in page and 'id="studio-content"' in page
    response = coach.post(
        f"/studio/inbox/enquiries/{enquiry_id}/status",
        data={"status": "answered"},
        headers=HTMX,
    )
    said = json.loads(response.headers["HX-Trigger-After-Settle"])
    assert said == {"studio-done": "The enquiry from Ines Moreau is marked as answered."}
