"""The coach's week in the studio: red flags first, moving and cancelling with a message, asking
before anything is emailed, days off with bookings, attendance marks, and seen marks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.blog.models import Post
from blueprints.blog.queries import public_posts
from blueprints.booking.models import Booking, DayOff
from blueprints.me.models import Client, SessionLog
from blueprints.shared.clock import utc_to_coach_local, utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import deliver_due
from blueprints.studio.models import SeenMark
from harness import SmtpServer
from harness.coach import COACH_EMAIL
from harness.instants import at
from harness.mail import attachment_named
from harness.studio import add_enquiry

# The week's days are the coach's, and bookings sit hours or days from now: the tests that
# depend on the clock run on a weekday morning, the coach's Friday night and the autumn change.
at_week_instants = at("tue-09:58", "fri-22:30", "autumn-01:30")


@pytest.fixture
def studio_site() -> dict[str, object]:
    """The demo site (the coach's hours, so there are free times to move to), mail delivered."""
    return {"seeded": True, "mail": True}


def outbox_count(app: Flask) -> int:
    """Emails queued so far."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def booked(app: Flask, hours_ahead: float, email: str = "sam@example.com") -> int:
    """A confirmed consultation `hours_ahead` from now (whole minutes); returns its id."""
    with app.app_context():
        start = (utcnow() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
        enquiry = add_enquiry(email=email, name="Sam Carter", booked_at=start)
        db.session.commit()
        return enquiry.booking.id


def red_flag_enquiry(app: Flask) -> int:
    """A new enquiry whose sender answered yes to two red flags (so nothing was booked)."""
    with app.app_context():
        enquiry = add_enquiry(email="rita@example.com", name="Rita Redflag")
        enquiry.red_flags = "leg_numbness,bladder_bowel"
        enquiry.reason = "Sharp pain since a lift at work"
        db.session.commit()
        return enquiry.id


def flagged_client(app: Flask, note: str = "") -> int:
    """A client whose session log today reported a fall (the flag still open); returns its id."""
    with app.app_context():
        client = Client(email="lee@example.com", flag_open=True, flagged_at=utcnow())
        db.session.add(client)
        db.session.flush()
        db.session.add(
            SessionLog(
                client_id=client.id, performed_on=utcnow().date(), red_flags="fall", note=note
            )
        )
        db.session.commit()
        return client.id


def test_a_red_flag_enquiry_comes_first_and_apart_from_routine_ones(
    app: Flask, coach: FlaskClient
) -> None:
    with app.app_context():
        add_enquiry(email="nora@example.com", name="Nora Routine")
        db.session.commit()
    enquiry_id = red_flag_enquiry(app)
    html = coach.get("/studio/").get_data(as_text=True)
    alert = html.index('class="alert-panel"')
    assert alert < html.index("Today,") < html.index('id="dash-enquiries"')
    panel = html[alert : html.index("</section>", alert)]
    assert "Rita Redflag" in panel and "Nora Routine" not in panel
    assert "Numbness, tingling or weakness in one or both legs" in panel
    assert "Loss of bladder or bowel control" in panel
    assert "Sharp pain since a lift at work" in panel
    routine = html[html.index('id="dash-enquiries"') :]
    assert "Nora Routine" in routine.split("</section>")[0]
    assert "Rita Redflag" not in routine.split("</section>")[0]
    assert 'New enquiries <span class="count">1</span>' in html
    # Seen: who and when, kept; the item stays until it is answered.
    response = coach.post(f"/studio/seen/enquiry/{enquiry_id}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f"Seen by {COACH_EMAIL}" in response.get_data(as_text=True)
    assert 'role="status" hx-swap-oob="true"' in response.get_data(as_text=True)
    with app.app_context():
        mark = db.session.scalar(select(SeenMark))
        assert (mark.kind, mark.item_id, mark.seen_by) == ("enquiry", enquiry_id, COACH_EMAIL)
    again = coach.get("/studio/").get_data(as_text=True)
    assert f"Seen by {COACH_EMAIL}" in again and "Rita Redflag" in again


def test_a_client_who_reported_a_red_flag_is_on_the_dashboard_with_what_they_said(
    app: Flask, coach: FlaskClient
) -> None:
    flagged_client(app, note="Slipped on the stairs yesterday")
    html = coach.get("/studio/").get_data(as_text=True)
    panel = html[html.index('class="alert-panel"') :].split("</section>")[0]
    assert "lee@example.com" in panel and "reported a red flag in their log" in panel
    assert "A fall, or a blow to the back" in panel and "Slipped on the stairs" in panel


def test_no_alert_panel_when_nothing_is_flagged(app: Flask, coach: FlaskClient) -> None:
    assert "alert-panel" not in coach.get("/studio/").get_data(as_text=True)


@at_week_instants
def test_todays_and_the_weeks_consultations_are_shown_by_day(
    app: Flask, coach: FlaskClient
) -> None:
    with app.app_context():
        local_now = utc_to_coach_local(utcnow())
    hours_to_midnight = 24 - local_now.hour - local_now.minute / 60
    later_today = booked(app, min(0.5, hours_to_midnight / 2), "today@example.com")
    in_three_days = booked(app, 72, "later@example.com")
    booked(app, 24 * 9, "far@example.com")  # past the week
    html = coach.get("/studio/").get_data(as_text=True)
    today = html[html.index('id="dash-today"') :].split("</section>")[0]
    assert "today@example.com" not in today  # names, not addresses
    assert f"/studio/bookings/{later_today}/move" in today
    assert f"/studio/bookings/{in_three_days}/move" not in today
    week = html[html.index('id="dash-week"') :].split("</section>")[0]
    assert week.count('class="week-day') == 7
    assert week.count("Sam Carter") == 2  # today's and the one in three days; not the far one
    with app.app_context():
        day_three = utc_to_coach_local(utcnow() + timedelta(hours=72)).date()
    column = week.split('<li class="week-day')[(day_three - local_now.date()).days + 1]
    assert "Sam Carter" in column


@at_week_instants
def test_past_sessions_are_marked_attended_or_no_show(app: Flask, coach: FlaskClient) -> None:
    past = booked(app, -26)
    future = booked(app, 30, "future@example.com")
    html = coach.get("/studio/").get_data(as_text=True)
    assert f'id="past-{past}"' in html and "Not marked yet" in html
    response = coach.post(
        f"/studio/bookings/{past}/attendance",
        data={"attendance": "no_show"},
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith('<li class="card past')
    assert "Did not come" in fragment and "Sam Carter: marked did not come." in fragment
    with app.app_context():
        assert db.session.get(Booking, past).attendance == "no_show"
    assert (
        coach.post(
            f"/studio/bookings/{future}/attendance", data={"attendance": "attended"}
        ).status_code
        == 409
    )
    assert (
        coach.post(f"/studio/bookings/{past}/attendance", data={"attendance": "maybe"}).status_code
        == 400
    )
    assert outbox_count(app) == 0  # marks email nobody


@at_week_instants
def test_cancel_asks_first_and_sends_nothing_until_confirmed(
    app: Flask, coach: FlaskClient, smtp_server: SmtpServer
) -> None:
    booking_id = booked(app, 30)
    question = coach.get(f"/studio/bookings/{booking_id}/cancel")
    html = question.get_data(as_text=True)
    assert question.status_code == 200 and "Nothing has been sent yet" in html
    assert "sam@example.com" in html and "Yes, cancel and email Sam Carter" in html
    # A plain POST (an old form, a stray click) only asks again.
    stray = coach.post(f"/studio/availability/bookings/{booking_id}/cancel")
    assert stray.status_code == 200 and "Nothing has been sent yet" in stray.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "confirmed"
    assert outbox_count(app) == 0

    response = coach.post(
        f"/studio/availability/bookings/{booking_id}/cancel",
        data={"confirmed": "yes", "message": "I am unwell this week, sorry.", "next": "/studio/"},
    )
    assert response.status_code == 302 and response.location == "/studio/"
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert (booking.status, booking.sequence) == ("cancelled", 1)
        deliver_due()
    [mail] = smtp_server.recorder.to("sam@example.com")
    plain = mail.message.get_body(("plain",)).get_content()
    html_part = mail.message.get_body(("html",)).get_content()
    rebook = f"{app.config['SITE_URL']}/contact/?topic=consultation"
    for body in (plain, html_part):
        assert "I am unwell this week, sorry." in body
        assert rebook in body
    assert "SEQUENCE:1" in attachment_named(mail.message, ".ics").decode()
    assert not smtp_server.recorder.to(app.config["COACH_EMAIL"])  # she did it herself
    assert (
        coach.post(
            f"/studio/availability/bookings/{booking_id}/cancel", data={"confirmed": "yes"}
        ).status_code
        == 409
    )


@at_week_instants
def test_the_coach_moves_a_booking_with_a_message(
    app: Flask, coach: FlaskClient, smtp_server: SmtpServer
) -> None:
    booking_id = booked(app, 30)
    page = coach.get(f"/studio/bookings/{booking_id}/move").get_data(as_text=True)
    values = re.findall(r'name="slot" required value="([^"]+)"', page)
    assert values, "no free time offered"
    assert outbox_count(app) == 0
    refused = coach.post(f"/studio/bookings/{booking_id}/move", data={"message": "Hi"})
    assert refused.status_code == 422 and "Please choose a time" in refused.get_data(as_text=True)
    response = coach.post(
        f"/studio/bookings/{booking_id}/move",
        data={"slot": values[0], "message": "The afternoon suits my diary better."},
    )
    assert response.status_code == 302
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert booking.sequence == 1 and booking.status == "confirmed"
        deliver_due()
    [mail] = smtp_server.recorder.to("sam@example.com")
    assert mail.message["Subject"].startswith("Consultation moved to")
    for body in (
        mail.message.get_body(("plain",)).get_content(),
        mail.message.get_body(("html",)).get_content(),
    ):
        assert "The afternoon suits my diary better." in body
        assert "has moved your consultation" in body
    invite = attachment_named(mail.message, ".ics").decode()
    assert "SEQUENCE:1" in invite and "METHOD:REQUEST" in invite


def test_the_person_page_gathers_what_they_told_us_and_keeps_a_note(
    app: Flask, coach: FlaskClient
) -> None:
    from harness.studio import add_program, add_signup

    with app.app_context():
        program = add_program("Back in balance", capacity=5)
        signup = add_signup(program, "Sam@Example.com")
        signup.name, signup.goals = "Sam Carter", "Carry my toddler without a twinge"
        signup.history = "Disc bulge in 2022, physio since"
        add_enquiry(email="sam@example.com", booked_at=utcnow() + timedelta(days=4))
        db.session.commit()
    bookings = coach.get("/studio/availability/bookings").get_data(as_text=True)
    link = re.search(r'href="(/studio/people/[^"]+)">Sam Carter', bookings).group(1)
    html = coach.get(link).get_data(as_text=True)
    assert "<h1>Sam Carter</h1>" in html
    assert "Carry my toddler without a twinge" in html and "Disc bulge in 2022" in html
    assert "Back in balance" in html and "Not on the list" in html
    assert "Stiff in the mornings" in html or "My lower back aches" in html
    empty = coach.post(f"{link}/notes", data={"body": "  "})
    assert empty.status_code == 422 and "Write the note first." in empty.get_data(as_text=True)
    saved = coach.post(f"{link}/notes", data={"body": "Prefers mornings; nervous about lifting."})
    assert saved.status_code == 303
    page = coach.get(link).get_data(as_text=True)
    assert "Prefers mornings; nervous about lifting." in page and COACH_EMAIL in page
    assert coach.get("/studio/people/not-a-real-key").status_code == 404


@at_week_instants
def test_a_day_off_on_a_day_with_bookings_lists_them_to_move_or_cancel(
    app: Flask, coach: FlaskClient
) -> None:
    booking_id = booked(app, 24 * 5)
    with app.app_context():
        day = utc_to_coach_local(db.session.get(Booking, booking_id).starts_at).date()
    response = coach.post("/studio/availability/days-off", data={"day": day.isoformat()})
    assert response.status_code == 302 and "/studio/availability/days-off/" in response.location
    html = coach.get(response.location).get_data(as_text=True)
    assert "still booked on it" in html and "Sam Carter" in html
    assert f"/studio/bookings/{booking_id}/move" in html
    assert f"/studio/bookings/{booking_id}/cancel" in html
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "confirmed"
        assert db.session.scalar(select(DayOff.day)) == day
    assert outbox_count(app) == 0


def test_unpublishing_and_publishing_again_keeps_the_first_date(
    app: Flask, coach: FlaskClient
) -> None:
    from harness.studio import add_post

    with app.app_context():
        post = add_post("Hinge before you lift")
        db.session.commit()
        post_id, first = post.id, post.published_at
    assert coach.post(f"/studio/articles/{post_id}/unpublish").status_code == 302
    with app.app_context():
        assert db.session.get(Post, post_id).status == "draft"
        assert post_id not in db.session.scalars(public_posts().with_only_columns(Post.id)).all()
    assert coach.post(f"/studio/articles/{post_id}/publish").status_code == 302
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.status, post.published_at) == ("published", first)
    # The editor's "Draft" then "Published" does the same.
    form = {"title": post.title, "body_md": "Some words.", "publication": "draft"}
    assert coach.post(f"/studio/articles/{post_id}/edit", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Post, post_id).status == "draft"
    again = {**form, "publication": "published"}
    assert coach.post(f"/studio/articles/{post_id}/edit", data=again).status_code == 302
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.status, post.published_at) == ("published", first)


def test_cancelling_a_place_says_who_moves_up_and_asks_first(
    app: Flask, coach: FlaskClient, smtp_server: SmtpServer
) -> None:
    from blueprints.programs.models import Signup
    from harness.studio import add_program, add_signup

    with app.app_context():
        program = add_program("Small group", capacity=1)
        holder = add_signup(program, "ana@example.com")
        add_signup(program, "ben@example.com", status="waitlisted", position=1)
        db.session.commit()
        holder_id = holder.id
    question = coach.post(f"/studio/programs/signups/{holder_id}/cancel")
    html = question.get_data(as_text=True)
    assert question.status_code == 200 and "Nothing has been sent yet" in html
    assert "ana@example.com" in html and "ben@example.com" in html
    assert "first on the waiting list, gets the place" in html
    assert outbox_count(app) == 0
    with app.app_context():
        assert db.session.get(Signup, holder_id).status == "confirmed"
    done = coach.post(f"/studio/programs/signups/{holder_id}/cancel", data={"confirmed": "yes"})
    assert done.status_code == 302
    with app.app_context():
        statuses = dict(db.session.execute(select(Signup.email, Signup.status)).all())
        assert statuses == {"ana@example.com": "cancelled", "ben@example.com": "confirmed"}
        deliver_due()
    assert smtp_server.recorder.to("ana@example.com") and smtp_server.recorder.to("ben@example.com")


def test_removed_hours_can_be_put_back(app: Flask, coach: FlaskClient) -> None:
    from blueprints.booking.models import WeeklyHours

    with app.app_context():
        window = db.session.scalars(select(WeeklyHours).order_by(WeeklyHours.id)).first()
        window_id, kept = window.id, (window.weekday, window.start_time, window.end_time)
    response = coach.post(f"/studio/availability/hours/{window_id}/delete")
    assert response.status_code == 302 and "put_back=" in response.location
    page = coach.get(response.location).get_data(as_text=True)
    offer = re.search(r'<button type="submit" class="button-quiet">(Put [^<]+ back)</button>', page)
    assert offer, "no way to put the hours back"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+_?\w*)" value="([^"]*)">', page))
    back = coach.post(
        "/studio/availability/hours",
        data={k: fields[k] for k in ("weekday", "start_time", "end_time")},
    )
    assert back.status_code == 302
    with app.app_context():
        windows = db.session.execute(
            select(WeeklyHours.weekday, WeeklyHours.start_time, WeeklyHours.end_time)
        ).all()
    assert kept in [tuple(row) for row in windows]
    odd = coach.get("/studio/availability?put_back=9,xx,<b>")
    assert odd.status_code == 200 and "Put " not in odd.get_data(as_text=True)


def test_a_seen_mark_on_a_client_lapses_when_a_new_red_flag_comes(
    app: Flask, coach: FlaskClient
) -> None:
    client_id = flagged_client(app)
    clients_page = coach.get("/studio/clients").get_data(as_text=True)
    assert "Mark seen" in clients_page and "lee@example.com" in clients_page
    assert coach.post(f"/studio/seen/client/{client_id}").status_code == 302
    for page in ("/studio/", "/studio/clients"):
        assert f"Seen by {COACH_EMAIL}" in coach.get(page).get_data(as_text=True)
    with app.app_context():
        db.session.get(Client, client_id).flagged_at = utcnow() + timedelta(minutes=5)
        db.session.commit()
    for page in ("/studio/", "/studio/clients"):
        html = coach.get(page).get_data(as_text=True)
        assert f"Seen by {COACH_EMAIL}" not in html and "Mark seen" in html
    assert coach.post("/studio/seen/comment/1").status_code == 404
