"""The contact form: prefill, htmx and plain submits, validation, red flags and spam rules."""

from __future__ import annotations

from datetime import UTC
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.blog.queries import is_public
from blueprints.contact.models import Enquiry
from blueprints.drills.models import Drill
from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness import shutdown_app, stored
from harness.contact import counts, first_free_slot, free_starts, seeded_app_with
from harness.forms import VISITOR, booking_data, enquiry_data
from harness.instants import at_journey_instants

HTMX = {"HX-Request": "true"}


@at_journey_instants
def test_article_link_prefills_topic_and_context_and_shows_slots(
    site: Flask, web: FlaskClient
) -> None:
    with site.app_context():
        post = db.session.scalars(select(Post)).first()
        slug, title = post.slug, post.title
    response = web.get(f"/contact/?topic=consultation&context=article:{slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option selected value="consultation">' in html
    assert f'name="context" type="hidden" value="article:{slug}"' in html
    assert f"the article \u201c{title}\u201d" in unescape(html)
    assert "Maya Lindqvist works on Europe/London time" in html
    # Day first: the first free day is chosen and only its times are listed.
    starts = free_starts(site)
    london = ZoneInfo("Europe/London")
    first_day = starts[0].replace(tzinfo=UTC).astimezone(london).date()
    on_first_day = [
        s for s in starts if s.replace(tzinfo=UTC).astimezone(london).date() == first_day
    ]
    assert html.count('name="slot"') == len(on_first_day) > 0
    assert f'id="day-{first_day.isoformat()}"' in html and 'aria-current="date"' in html
    assert "Numbness, tingling or weakness in one or both legs" in html


@pytest.mark.parametrize(
    ("pages_query", "path", "topic", "kind", "label"),
    [
        (
            select(Post.slug, Post.title).where(is_public()),
            "/blog/",
            "consultation",
            "article",
            "the article",
        ),
        (select(Drill.slug, Drill.name), "/drills/", "consultation", "drill", "the drill"),
        (select(Program.slug, Program.title), "/programs/", "program", "program", "the program"),
    ],
)
def test_every_article_drill_and_program_page_links_to_a_prefilled_form(
    site: Flask, web: FlaskClient, pages_query, path: str, topic: str, kind: str, label: str
) -> None:
    with site.app_context():
        pages = db.session.execute(pages_query).all()
    assert pages
    for slug, title in pages:
        page = web.get(f"{path}{slug}").get_data(as_text=True)
        href = f"/contact/?topic={topic}&amp;context={kind}:{slug}"
        assert f'href="{href}"' in page, slug
        form = unescape(web.get(unescape(href)).get_data(as_text=True))
        assert f"You are writing about {label} \u201c{title}\u201d." in form
        assert f'<option selected value="{topic}">' in form


def test_a_made_up_context_is_dropped(web: FlaskClient) -> None:
    html = web.get('/contact/?topic=other&context=article:"><script>').get_data(as_text=True)
    assert 'name="context" type="hidden" value=""' in html
    assert "<script>" not in html.split("<main", 1)[1]


@at_journey_instants
def test_slots_are_shown_on_the_visitors_clock(site: Flask, web: FlaskClient) -> None:
    first = free_starts(site)[0]
    tokyo = first.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    html = web.get("/contact/?topic=consultation&tz=Asia/Tokyo").get_data(as_text=True)
    assert "Times are shown in <strong>Asia/Tokyo</strong> time" in html
    assert f'value="{first:%Y-%m-%dT%H:%MZ}" > {tokyo:%H:%M}</label>' in html
    assert f"{tokyo:%A} {tokyo.day} {tokyo:%B}" in html


def test_an_unknown_zone_falls_back_to_the_coachs(web: FlaskClient) -> None:
    html = web.get("/contact/?topic=consultation&tz=Mars/Olympus").get_data(as_text=True)
    assert "Times are shown in <strong>Europe/London</strong> time" in html
    assert 'data-zone-chosen="false"' in html


def test_htmx_topic_change_answers_with_the_booking_section_only(web: FlaskClient) -> None:
    response = web.get("/contact/?topic=consultation", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="booking-section"')
    assert 'name="slot"' in html and "<html" not in html
    other = web.get("/contact/?topic=program", headers=HTMX).get_data(as_text=True)
    assert 'name="slot"' not in other and "See the free times" in other


def test_plain_enquiry_without_javascript_is_stored_mailed_and_redirected(
    site: Flask, web: FlaskClient
) -> None:
    response = web.post("/contact/", data=enquiry_data(site, context="program:eight-weeks"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/contact/thanks")
    page = web.get("/contact/thanks").get_data(as_text=True)
    assert "Thank you, your message is on its way" in page
    assert f"<strong>{VISITOR}</strong>" in page
    [enquiry] = stored(site, Enquiry)
    assert (enquiry.name, enquiry.email, enquiry.topic) == ("Anna Berg", VISITOR, "program")
    assert enquiry.context == "program:eight-weeks"
    assert "disc bulge" in enquiry.message
    coach, reply = stored(site, OutboxMessage)
    assert (coach.to_addr, coach.reply_to) == ("maya@studio.example", VISITOR)
    assert coach.subject == "New enquiry from Anna Berg: A program"
    assert "disc bulge" in coach.body_text
    assert (reply.to_addr, reply.kind) == (VISITOR, "enquiry-autoreply")
    assert "two working days" in reply.body_text
    assert counts(site)["bookings"] == 0


def test_htmx_enquiry_swaps_the_success_message_in_place(site: Flask, web: FlaskClient) -> None:
    response = web.post("/contact/", data=enquiry_data(site), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.startswith('<div id="contact-panel"') and "<html" not in html
    assert "Thank you, your message is on its way" in html
    assert counts(site)["enquiries"] == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "anna.berg@", "does not look like an email address"),
        ("email", "anna@example.org\r\nBcc: victim@example.net", "keep this on one line"),
        ("name", "Anna\r\nBcc: victim@example.net", "keep this on one line"),
        ("name", "Anna\nBerg", "keep this on one line"),
        ("name", "", "tell me your name"),
        ("name", "A" * 121, "under 120 characters"),
        ("message", "x" * 5001, "under 5,000 characters (it has 5,001)"),
        ("message", "   ", "Please write a message"),
        ("topic", "sales\r\n", "choose one of the options"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_stores_nothing(
    site: Flask, web: FlaskClient, field: str, value: str, message: str
) -> None:
    response = web.post("/contact/", data=enquiry_data(site, **{field: value}), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = html.split(f'<p class="field-error" id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'aria-invalid="true"' in html and f'aria-describedby="{field}-error"' in html
    assert counts(site) == {"enquiries": 0, "bookings": 0, "emails": 0}


def test_line_breaks_in_the_hidden_context_are_refused_too(site: Flask, web: FlaskClient) -> None:
    response = web.post("/contact/", data=enquiry_data(site, context="article:x\r\nBcc: a@b.c"))
    assert response.status_code == 422
    assert "Please keep this on one line." in response.get_data(as_text=True)
    assert counts(site)["enquiries"] == 0


def test_a_rejected_form_keeps_what_the_visitor_typed(site: Flask, web: FlaskClient) -> None:
    data = enquiry_data(site, email="not-an-address")
    html = web.post("/contact/", data=data).get_data(as_text=True)
    assert 'value="Anna Berg"' in html and "disc bulge last year" in html
    assert 'value="not-an-address"' in html


def test_a_consultation_needs_the_intake_a_time_and_a_format(site: Flask, web: FlaskClient) -> None:
    data = booking_data(site, "", reason="", pain_duration="", format="")
    del data["leg_numbness"], data["weight_loss"]
    html = web.post("/contact/", data=data, headers=HTMX).get_data(as_text=True)
    for field, message in [
        ("reason", "what brings you"),
        ("pain_duration", "how long it has hurt"),
        ("leg_numbness", "answer yes or no"),
        ("weight_loss", "answer yes or no"),
        ("format", "video call or meeting in person"),
    ]:
        assert f'<p class="field-error" id="{field}-error">' in html, field
        assert message in html
    assert "Please choose a time for the consultation." in html
    assert counts(site) == {"enquiries": 0, "bookings": 0, "emails": 0}


@at_journey_instants
def test_a_red_flag_stores_the_request_without_booking_and_advises_a_clinician(
    site: Flask, web: FlaskClient
) -> None:
    slot = first_free_slot(site)
    data = booking_data(site, slot, bladder_bowel="yes", message="Started last week.")
    html = web.post("/contact/", data=data, headers=HTMX).get_data(as_text=True)
    assert "Please see a clinician before we book" in html
    assert "Loss of bladder or bowel control" in html
    assert "No consultation has been booked." in html
    [enquiry] = stored(site, Enquiry)
    assert (enquiry.topic, enquiry.red_flags) == ("consultation", "bladder_bowel")
    assert (
        enquiry.reason.startswith("Low back stiffness") and enquiry.pain_duration == "3_12_months"
    )
    assert counts(site)["bookings"] == 0
    coach, visitor = stored(site, OutboxMessage)
    assert coach.subject == "Consultation request from Anna Berg: red flags, not booked"
    assert coach.reply_to == VISITOR and "Loss of bladder or bowel control" in coach.body_text
    assert visitor.to_addr == VISITOR and "please see a clinician" in visitor.subject.lower()
    assert first_free_slot(site) == slot  # the time is still free for others


def test_a_red_flag_needs_no_time_chosen(site: Flask, web: FlaskClient) -> None:
    data = booking_data(site, "", format="", recent_trauma="yes")
    assert web.post("/contact/", data=data).status_code == 303
    assert stored(site, Enquiry)[0].red_flags == "recent_trauma"


@pytest.mark.parametrize(
    "spam",
    [{"website": "http://cheap-pills.example"}, {"form_started": "forged"}, {"form_started": ""}],
)
def test_spam_is_answered_normally_and_discarded(
    site: Flask, web: FlaskClient, spam: dict[str, str]
) -> None:
    response = web.post("/contact/", data=enquiry_data(site, **spam), headers=HTMX)
    assert response.status_code == 200
    assert "Thank you, your message is on its way" in response.get_data(as_text=True)
    assert counts(site) == {"enquiries": 0, "bookings": 0, "emails": 0}


def test_a_form_sent_faster_than_a_human_could_is_discarded(database_file: Path) -> None:
    app = seeded_app_with(database_file, SPAM_MIN_SECONDS=30.0)
    try:
        response = app.test_client().post("/contact/", data=enquiry_data(app))
        assert response.status_code == 303
        assert counts(app)["enquiries"] == 0
    finally:
        shutdown_app(app)


def test_too_many_messages_from_one_address_get_a_429(site: Flask, web: FlaskClient) -> None:
    for _ in range(5):
        assert web.post("/contact/", data=enquiry_data(site), headers=HTMX).status_code == 200
    response = web.post("/contact/", data=enquiry_data(site), headers=HTMX)
    assert response.status_code == 429
    assert "Several messages have come from your connection" in response.get_data(as_text=True)
    assert counts(site)["enquiries"] == 5
    other_visitor = web.post(
        "/contact/", data=enquiry_data(site), environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert other_visitor.status_code == 303 and counts(site)["enquiries"] == 6


def test_thanks_without_a_submission_goes_back_to_the_form(web: FlaskClient) -> None:
    response = web.get("/contact/thanks")
    assert response.status_code == 302 and response.headers["Location"].endswith("/contact/")
