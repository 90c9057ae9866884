"""Programs: the pages, the signup rules, bad input, spam, and the cancel link."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from blueprints.programs.models import Program, Signup
from blueprints.programs.signups import (
    CANCEL_LINK_MAX_AGE,
    CANCEL_PURPOSE,
    cancel_signup,
    cancel_token,
    fill_free_places,
)
from blueprints.shared.extensions import db
from harness.instants import CLOCK_JOURNEYS
from harness.programs import make_program, outbox_body, outbox_rows, signup_form, signups_of

# Programs start on dates, and signup and cancel links are stamped: every test runs at
# a sample of the instants.
pytestmark = CLOCK_JOURNEYS

HTMX = {"HX-Request": "true"}


def sign_up(client: FlaskClient, app: Flask, slug: str = "evening-course", **fields: str | None):
    """Post the signup form as a browser without JavaScript would."""
    return client.post(f"/programs/{slug}/signup", data=signup_form(app, **fields))


def cancel_link_of(app: Flask, email: str) -> str:
    """The cancel path from the last email queued for `email`."""
    with app.app_context():
        from blueprints.shared.models import OutboxMessage

        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.to_addr == email)
            .order_by(OutboxMessage.id.desc())
        ).first()
    match = re.search(r"http://localhost(/programs/cancel/\S+)", body or "")
    assert match, body
    return match.group(1)


# --- The pages -------------------------------------------------------------------------------


def test_list_shows_each_program_with_its_start_price_and_places(seeded_client) -> None:
    response = seeded_client.get("/programs/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Back Basics: six-week small-group course" in html
    assert "10 places left" in html
    assert "£180 for 6 weeks" in html
    assert "rolling start" in html  # the 1:1 block
    assert 'href="/programs/strong-spine-one-to-one"' in html


def test_program_page_shows_who_it_is_for_the_weeks_with_drills_and_the_form(
    seeded_client,
) -> None:
    response = seeded_client.get("/programs/back-basics-group-course")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Who it is for" in html
    assert "Week 2: Extension and holding positions." in html
    # the [[drill:...]] markers became cards that link into the drill library
    assert 'href="/drills/cat-cow"' in html
    assert 'href="/drills/superman-hold"' in html
    assert "[[drill:" not in html
    assert '<span id="places-left">10 places left</span>' in html
    assert "£180 for 6 weeks" in html
    assert '<form method="post" action="/programs/back-basics-group-course/signup"' in html
    assert 'hx-post="/programs/back-basics-group-course/signup"' in html
    assert re.search(r'<label for="consent">.*href="/privacy"', html, re.S)
    assert 'class="honeypot" aria-hidden="true"' in html


def test_rolling_start_and_payment_link_are_shown(app: Flask, client: FlaskClient) -> None:
    make_program(app, start_date=None, payment_url="https://pay.example.com/evening", capacity=None)
    html = client.get("/programs/evening-course").get_data(as_text=True)
    assert "Rolling start" in html
    assert 'href="https://pay.example.com/evening"' in html
    assert "places left" not in html  # no capacity, no count


def test_unknown_program_is_a_404(client: FlaskClient) -> None:
    assert client.get("/programs/no-such-course").status_code == 404


def test_a_closed_program_says_so_shows_no_form_and_refuses_a_post(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, is_open=False)
    html = client.get("/programs/evening-course").get_data(as_text=True)
    assert "Signups for this program are closed" in html
    assert "<form" not in html.split('id="signup"')[1].split("</main>")[0]
    response = sign_up(client, app)
    assert response.status_code == 409
    assert "Signups for this program are closed" in response.get_data(as_text=True)
    assert signups_of(app, program.id) == []
    assert outbox_rows(app) == []


# --- Signing up ------------------------------------------------------------------------------


def test_plain_post_takes_a_place_redirects_and_shows_the_confirmation(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    response = sign_up(client, app, email="Ann@Example.COM")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/programs/evening-course#signup")
    page = client.get("/programs/evening-course").get_data(as_text=True)
    # N5: the answer anyone gets; whether the place is confirmed goes by email
    assert "Your signup has arrived" in page
    assert "1 place left" in page
    # the message is shown once, not on every later visit
    later = client.get("/programs/evening-course").get_data(as_text=True)
    assert "Your signup has arrived" not in later
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]
    with app.app_context():
        stored = db.session.scalars(select(Signup)).one()
        assert stored.consent_health_data is True
        assert stored.phone == "+44 7700 900123"
        assert stored.name == "Ann Example"


def test_signup_queues_a_confirmation_to_the_person_and_a_note_to_the_coach(
    app: Flask, client: FlaskClient
) -> None:
    make_program(app, payment_url="https://pay.example.com/evening")
    sign_up(client, app)
    assert outbox_rows(app) == [
        (
            "program-confirmed",
            "ann@example.com",
            None,
            "Your place on Evening back course is confirmed",
        ),
        (
            "program-signup-coach",
            "coach@example.com",
            "ann@example.com",
            "New signup (place): Ann Example, Evening back course",
        ),
    ]
    person = outbox_body(app, "ann@example.com", "program-confirmed")
    assert "/programs/cancel/" in person
    assert "https://pay.example.com/evening" in person
    coach = outbox_body(app, "coach@example.com", "program-signup-coach")
    assert "worse after long drives" in coach
    assert "+44 7700 900123" in coach


def test_htmx_signup_answers_with_the_region_and_updates_the_count(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    response = client.post("/programs/evening-course/signup", data=signup_form(app), headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="signup"')
    assert "Your signup has arrived" in html
    assert '<span id="places-left" hx-swap-oob="true">1 place left</span>' in html
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]


def test_a_second_signup_with_the_same_email_changes_nothing_and_tells_only_the_owner(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    sign_up(client, app)
    emails_before = outbox_rows(app)
    response = client.post(
        "/programs/evening-course/signup",
        data=signup_form(app, email="  ANN@example.com ", name="Ann Again"),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your signup has arrived" in html  # what any signup being screened is told
    assert "already signed up" not in html and "ann@example.com" not in html.lower()
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]
    assert outbox_rows(app) == [
        *emails_before,
        (
            "program-already-signed-up",
            "ann@example.com",
            None,
            "You are already signed up for Evening back course",
        ),
        # N5: two emails, as for a new signup, so the answer's time tells nothing
        (
            "program-signup-again-coach",
            "coach@example.com",
            "ann@example.com",
            "Signed up again (nothing changed): Ann Example, Evening back course",
        ),
    ]
    with app.app_context():
        assert db.session.scalars(select(Signup.name)).one() == "Ann Example"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("capacity", [None, 1], ids=["open", "full"])
def test_an_enrolled_address_gets_the_same_answer_as_a_new_one(
    app: Flask, headers: dict[str, str], capacity: int | None
) -> None:
    """N5: byte for byte, apart from the form's fresh values."""
    make_program(app, capacity=capacity)
    sign_up(app.test_client(), app, email="ann@example.com")

    def answer(email: str) -> tuple[int, str | None, str]:
        browser = app.test_client()
        response = browser.post(
            "/programs/evening-course/signup", data=signup_form(app, email=email), headers=headers
        )
        if response.status_code == 303:
            response = browser.get(response.headers["Location"])
        # A form's fresh values (stamp, CSRF token) carry the second they were made in.
        body = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.get_data(as_text=True))
        return response.status_code, response.headers.get("Vary"), body

    assert answer("ann@example.com") == answer("newcomer@example.com")


def test_when_full_people_join_the_waitlist_and_are_told_their_position(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=2)
    for person in ("a", "b", "c"):
        assert sign_up(client, app, email=f"{person}@example.com").status_code == 303
    html = client.get("/programs/evening-course").get_data(as_text=True)
    assert "Your signup has arrived" in html  # c, after the redirect; the position is mailed
    assert "You are number 1." in outbox_body(app, "c@example.com", "program-waitlisted")
    html = client.get("/programs/evening-course").get_data(as_text=True)
    assert "Full: new signups join the waitlist" in html
    assert '<button type="submit">Join the waitlist</button>' in html
    response = client.post(
        "/programs/evening-course/signup",
        data=signup_form(app, email="d@example.com"),
        headers=HTMX,
    )
    assert "Your signup has arrived" in response.get_data(as_text=True)
    assert signups_of(app, program.id) == [
        ("a@example.com", "confirmed", None),
        ("b@example.com", "confirmed", None),
        ("c@example.com", "waitlisted", 1),
        ("d@example.com", "waitlisted", 2),
    ]
    kinds = {(kind, to) for kind, to, _, _ in outbox_rows(app)}
    assert ("program-waitlisted", "d@example.com") in kinds
    assert "You are number 2." in outbox_body(app, "d@example.com", "program-waitlisted")


def test_a_program_without_capacity_never_waitlists(app: Flask, client: FlaskClient) -> None:
    program = make_program(app, capacity=None)
    for number in range(5):
        sign_up(client, app, email=f"p{number}@example.com")
    assert {status for _, status, _ in signups_of(app, program.id)} == {"confirmed"}


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("consent", None, "Please agree to this"),
        ("email", "not-an-email", "That does not look like an email address."),
        ("email", "ann@example.com\r\nBcc: victim@example.net", "does not look like an email"),
        ("name", "Ann\r\nBcc: victim@example.net", "Please keep this on one line."),
        ("name", "", "Please tell me your name."),
        ("name", "A" * 121, "Please keep this under 120 characters."),
        ("goals", "x" * 2001, "Please keep this under 2000 characters."),
        ("history", "x" * 4001, "Please keep this under 4000 characters."),
        ("history", "   ", "Please describe your back pain"),
        ("phone", "call me maybe", "Use digits, spaces"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(
    app: Flask, client: FlaskClient, field: str, value: str | None, message: str
) -> None:
    program = make_program(app)
    response = sign_up(client, app, **{field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert re.search(rf'<[^>]*aria-invalid="true"[^>]*id="{field}"', html)
    # what they typed elsewhere is still there
    assert ("worse after long drives" if field == "goals" else "Carry my shopping home") in html
    assert signups_of(app, program.id) == []
    assert outbox_rows(app) == []


def test_htmx_validation_error_swaps_only_the_form_region(app: Flask, client: FlaskClient) -> None:
    make_program(app)
    response = client.post(
        "/programs/evening-course/signup",
        data=signup_form(app, consent=None),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="signup"')
    assert 'id="consent-error"' in html
    assert "hx-swap-oob" in html  # the count is refreshed even when nothing changed


def test_honeypot_and_too_fast_submissions_look_normal_but_store_nothing(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    response = sign_up(client, app, website="http://spam.example")
    assert response.status_code == 303
    assert "Your signup has arrived" in client.get("/programs/evening-course").get_data(
        as_text=True
    )
    app.config["SPAM_MIN_SECONDS"] = 60
    response = client.post("/programs/evening-course/signup", data=signup_form(app), headers=HTMX)
    assert response.status_code == 200
    assert "Your signup has arrived" in response.get_data(as_text=True)
    assert sign_up(client, app, form_started="forged").status_code == 303
    assert signups_of(app, program.id) == []
    assert outbox_rows(app) == []


def test_too_many_signups_from_one_address_get_a_429_and_keep_what_was_typed(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=None)
    app.config["PROGRAM_SIGNUP_RATE_LIMIT"] = 2
    assert sign_up(client, app, email="one@example.com").status_code == 303
    assert sign_up(client, app, email="two@example.com").status_code == 303
    response = sign_up(client, app, email="three@example.com")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many signups from your connection" in html
    assert 'value="three@example.com"' in html
    assert [email for email, _, _ in signups_of(app, program.id)] == [
        "one@example.com",
        "two@example.com",
    ]


def test_a_constraint_violation_is_a_clear_409_not_a_server_error(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=0)
    with app.app_context():
        # A row written by something that skipped the rules: it holds position 1 while
        # not counting as waitlisted, so the next waitlist position collides with it.
        db.session.add(
            Signup(
                program_id=program.id,
                name="Old",
                email="old@example.com",
                status="cancelled",
                waitlist_position=1,
            )
        )
        db.session.commit()
    response = sign_up(client, app)
    assert response.status_code == 409
    assert "could not be saved just now" in response.get_data(as_text=True)
    assert [email for email, _, _ in signups_of(app, program.id)] == ["old@example.com"]
    assert outbox_rows(app) == []


# --- Cancelling and the waitlist -------------------------------------------------------------


def test_cancel_link_asks_first_then_cancels_and_frees_the_place(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=1)
    sign_up(client, app)
    link = cancel_link_of(app, "ann@example.com")
    page = client.get(link)
    assert page.status_code == 200
    assert "Cancel your place?" in page.get_data(as_text=True)
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]
    response = client.post(link)
    assert response.status_code == 303
    assert signups_of(app, program.id) == [("ann@example.com", "cancelled", None)]
    assert "Your signup is cancelled" in client.get(link).get_data(as_text=True)
    assert "1 place left" in client.get("/programs/evening-course").get_data(as_text=True)
    assert ("program-cancelled-coach", "coach@example.com") in {
        (kind, to) for kind, to, _, _ in outbox_rows(app)
    }


def test_cancelling_a_place_promotes_the_first_on_the_waitlist_once(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=2)
    for person in ("a", "b", "c", "d", "e"):
        sign_up(client, app, email=f"{person}@example.com")
    link = cancel_link_of(app, "a@example.com")
    client.post(link)
    client.post(link)  # a second press changes nothing
    assert signups_of(app, program.id) == [
        ("a@example.com", "cancelled", None),
        ("b@example.com", "confirmed", None),
        ("c@example.com", "confirmed", None),
        ("d@example.com", "waitlisted", 1),
        ("e@example.com", "waitlisted", 2),
    ]
    promotions = [row for row in outbox_rows(app) if row[0] == "program-promoted"]
    assert promotions == [
        (
            "program-promoted",
            "c@example.com",
            None,
            "A place opened up: you're in for Evening back course",
        )
    ]
    assert "/programs/cancel/" in outbox_body(app, "c@example.com", "program-promoted")
    coach_notes = [row for row in outbox_rows(app) if row[0] == "program-cancelled-coach"]
    assert len(coach_notes) == 1
    assert "c@example.com" in outbox_body(app, "coach@example.com", "program-cancelled-coach")


def test_leaving_the_waitlist_closes_the_gap_and_promotes_nobody(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=1)
    for person in ("a", "b", "c", "d"):
        sign_up(client, app, email=f"{person}@example.com")
    assert "Leave the waitlist?" in client.get(cancel_link_of(app, "c@example.com")).get_data(
        as_text=True
    )
    client.post(cancel_link_of(app, "c@example.com"))
    assert signups_of(app, program.id) == [
        ("a@example.com", "confirmed", None),
        ("b@example.com", "waitlisted", 1),
        ("c@example.com", "cancelled", None),
        ("d@example.com", "waitlisted", 2),
    ]
    assert not [row for row in outbox_rows(app) if row[0] == "program-promoted"]


def test_cancel_signup_returns_the_promoted_person_and_is_idempotent(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=1)
    for person in ("a", "b"):
        sign_up(client, app, email=f"{person}@example.com")
    with app.test_request_context():
        first = db.session.scalars(select(Signup).where(Signup.email == "a@example.com")).one()
        promoted = cancel_signup(first, notify_coach=False)
        assert promoted is not None and promoted.email == "b@example.com"
        assert promoted.status == "confirmed"
        assert cancel_signup(first) is None
    assert signups_of(app, program.id) == [
        ("a@example.com", "cancelled", None),
        ("b@example.com", "confirmed", None),
    ]
    assert not [row for row in outbox_rows(app) if row[0] == "program-cancelled-coach"]


def test_raising_the_capacity_then_filling_places_promotes_in_order(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=1)
    for person in ("a", "b", "c", "d"):
        sign_up(client, app, email=f"{person}@example.com")
    with app.test_request_context():
        db.session.get(Program, program.id).capacity = 3
        db.session.commit()
        promoted = fill_free_places(program.id)
        assert [signup.email for signup in promoted] == ["b@example.com", "c@example.com"]
    assert signups_of(app, program.id)[3] == ("d@example.com", "waitlisted", 1)


def test_a_newcomer_does_not_jump_the_waitlist_after_the_capacity_is_raised(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app, capacity=1)
    for person in ("a", "b"):
        sign_up(client, app, email=f"{person}@example.com")
    with app.app_context():
        db.session.get(Program, program.id).capacity = 2
        db.session.commit()
    response = sign_up(client, app, email="c@example.com")
    assert response.status_code == 303
    assert signups_of(app, program.id) == [
        ("a@example.com", "confirmed", None),
        ("b@example.com", "confirmed", None),
        ("c@example.com", "waitlisted", 1),
    ]
    assert [to for kind, to, _, _ in outbox_rows(app) if kind == "program-promoted"] == [
        "b@example.com"
    ]


def test_signing_up_again_after_cancelling_works_and_the_old_link_is_dead(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    sign_up(client, app)
    old_link = cancel_link_of(app, "ann@example.com")
    client.post(old_link)
    assert sign_up(client, app).status_code == 303
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]
    response = client.post(old_link)
    assert response.status_code == 400
    assert "earlier signup" in response.get_data(as_text=True)
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]


def test_a_tampered_cancel_link_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    sign_up(client, app)
    link = cancel_link_of(app, "ann@example.com")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert "This link is not valid." in response.get_data(as_text=True)
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]


def test_an_expired_cancel_link_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    program = make_program(app)
    sign_up(client, app)

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - CANCEL_LINK_MAX_AGE - 60

    with app.app_context():
        signup = db.session.scalars(select(Signup)).one()
        value = [signup.id, signup.created_at.isoformat()]
        old = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt=f"link:{CANCEL_PURPOSE}", signer=LongAgo
        ).dumps(value)
        assert old != cancel_token(signup)
    response = client.post(f"/programs/cancel/{old}")
    assert response.status_code == 400
    assert "This link has expired." in response.get_data(as_text=True)
    assert signups_of(app, program.id) == [("ann@example.com", "confirmed", None)]


def test_a_link_to_an_erased_signup_is_a_404(app: Flask, client: FlaskClient) -> None:
    make_program(app)
    sign_up(client, app)
    link = cancel_link_of(app, "ann@example.com")
    with app.app_context():
        db.session.delete(db.session.scalars(select(Signup)).one())
        db.session.commit()
    response = client.post(link)
    assert response.status_code == 404
    assert "no longer exists" in response.get_data(as_text=True)


def test_privacy_page_covers_program_signups(client: FlaskClient) -> None:
    html = client.get("/privacy").get_data(as_text=True)
    assert "Program signups" in html
    assert "health information" in html
    assert "explicit consent" in html
    assert "plus one year" in html
    assert "ask for deletion" in html
