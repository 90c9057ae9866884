"""The dashboard and the inbox: what needs attention, enquiry statuses, comment moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.blog.models import Comment
from blueprints.contact.models import Enquiry
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness.instants import clock_marks
from harness.studio import add_comment, add_enquiry, add_post

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")


@pytest.fixture
def inbox(app: Flask) -> dict[str, int]:
    """Three enquiries (new, answered, archived) and two pending comments; their ids."""
    with app.app_context():
        new = add_enquiry(email="new@example.com", name="Nora New")
        answered = add_enquiry(email="ans@example.com", name="Andy Answered", status="answered")
        archived = add_enquiry(email="arc@example.com", name="Arlo Archived", status="archived")
        post = add_post()
        kind = add_comment(post, "kind@example.com", body="Thank you, the cat-cow helped.")
        rude = add_comment(post, None, body="Buy cheap watches here")
        db.session.commit()
        return {
            "new": new.id, "answered": answered.id, "archived": archived.id,
            "kind": kind.id, "rude": rude.id,
        }  # fmt: skip


def status_of(app: Flask, enquiry_id: int) -> str:
    """An enquiry's stored status."""
    with app.app_context():
        return db.session.get(Enquiry, enquiry_id).status


def test_the_dashboard_shows_what_needs_attention(
    app: Flask, coach: FlaskClient, inbox: dict[str, int]
) -> None:
    with app.app_context():
        add_enquiry(
            email="soon@example.com", name="Sunita Soon", booked_at=utcnow() + timedelta(days=1)
        )
        db.session.add(
            OutboxMessage(
                kind="x", to_addr="a@example.com", subject="s", body_text="b", status="failed",
                message_id="<failed@test>", last_error="550 no such user",
            )
        )  # fmt: skip
        db.session.commit()
    html = coach.get("/studio/").get_data(as_text=True)
    assert "Nora New" in html and "Sunita Soon" in html
    assert "Andy Answered" not in html and "Arlo Archived" not in html
    assert 'New enquiries <span class="count">2</span>' in html
    assert 'Upcoming consultations <span class="count">1</span>' in html
    assert 'Comments awaiting approval <span class="count">2</span>' in html
    assert 'Emails that failed <span class="count">1</span>' in html


def test_the_inbox_shows_new_enquiries_first_and_filters_by_status(
    coach: FlaskClient, inbox: dict[str, int]
) -> None:
    default = coach.get("/studio/inbox").get_data(as_text=True)
    assert "Nora New" in default and "Andy Answered" not in default
    answered = coach.get("/studio/inbox?status=answered").get_data(as_text=True)
    assert "Andy Answered" in answered and "Nora New" not in answered
    everything = coach.get("/studio/inbox?status=").get_data(as_text=True)
    assert all(name in everything for name in ("Nora New", "Andy Answered", "Arlo Archived"))
    odd = coach.get("/studio/inbox?status=<script>")
    assert odd.status_code == 200 and "Nora New" in odd.get_data(as_text=True)


def test_the_filter_answers_htmx_with_the_table_only(
    coach: FlaskClient, inbox: dict[str, int]
) -> None:
    response = coach.get("/studio/inbox?status=archived", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<table" in html and "Arlo Archived" in html
    assert "HX-Request" in response.headers["Vary"]
    page = coach.get("/studio/inbox?status=archived")
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]


def test_marking_an_enquiry_answered_and_archived(
    app: Flask, coach: FlaskClient, inbox: dict[str, int]
) -> None:
    enquiry_id = inbox["new"]
    response = coach.post(
        f"/studio/inbox/enquiries/{enquiry_id}/status",
        data={"status": "answered", "next": "/studio/inbox?status=new"},
    )
    assert response.status_code == 302 and response.location == "/studio/inbox?status=new"
    assert status_of(app, enquiry_id) == "answered"
    row = coach.post(
        f"/studio/inbox/enquiries/{enquiry_id}/status",
        data={"status": "archived"},
        headers={"HX-Request": "true"},
    )
    html = row.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="enquiry-{enquiry_id}">') and "Archived" in html
    assert status_of(app, enquiry_id) == "archived"


def test_an_unknown_status_changes_nothing(
    app: Flask, coach: FlaskClient, inbox: dict[str, int]
) -> None:
    response = coach.post(
        f"/studio/inbox/enquiries/{inbox['new']}/status", data={"status": "deleted"}
    )
    assert response.status_code == 400
    assert status_of(app, inbox["new"]) == "new"


def test_the_enquiry_page_shows_the_whole_message(
    coach: FlaskClient, inbox: dict[str, int]
) -> None:
    html = coach.get(f"/studio/inbox/enquiries/{inbox['new']}").get_data(as_text=True)
    assert "My lower back aches after long drives." in html and "new@example.com" in html


def test_comments_are_approved_or_deleted(
    app: Flask, coach: FlaskClient, inbox: dict[str, int]
) -> None:
    page = coach.get("/studio/inbox/comments").get_data(as_text=True)
    assert "Thank you, the cat-cow helped." in page and "Buy cheap watches" in page
    response = coach.post(f"/studio/inbox/comments/{inbox['kind']}/approve")
    assert response.status_code == 302
    removed = coach.post(
        f"/studio/inbox/comments/{inbox['rude']}/delete", headers={"HX-Request": "true"}
    )
    assert removed.status_code == 200 and removed.get_data() == b""  # htmx removes the row
    with app.app_context():
        comments = {c.id: c.status for c in db.session.scalars(select(Comment))}
    assert comments == {inbox["kind"]: "approved"}
    assert 'Comments awaiting approval <span class="count">0</span>' in coach.get(
        "/studio/"
    ).get_data(as_text=True)
