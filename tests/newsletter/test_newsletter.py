"""The newsletter end to end, with real delivery to aiosmtpd: subscribe, confirm, publish, leave."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.newsletter.models import NewsletterDelivery, NewsletterSend, Subscriber
from blueprints.newsletter.subscriptions import unsubscribe_url
from blueprints.shared.clock import utc_to_coach_local, utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer, make_app, shutdown_app
from harness.coach import coach_client
from harness.newsletter import (
    HTMX,
    SITE_URL,
    add_confirmed,
    article_form,
    confirm_by_mail,
    count_rows,
    html_text,
    https_unsubscribe,
    link_in,
    plain_text,
    publish,
    queue,
    site_path,
    subscribe_data,
    subscriber_states,
)


def stop(app: Flask) -> None:
    """Stop both background threads, then close the app's connections."""
    app.extensions["newsletter_queuer"].stop()
    shutdown_app(app)


@pytest.fixture
def live_mail_app(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The site as deployed: background queueing and delivery to the loopback SMTP server."""
    app = make_app(
        database_file, SITE_URL=SITE_URL, MAIL_BACKGROUND_SENDER=True, **smtp_server.mail_config()
    )
    yield app
    stop(app)


@pytest.fixture
def mail_app(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The site pointed at the loopback SMTP server; the test runs each pass itself."""
    app = make_app(database_file, SITE_URL=SITE_URL, **smtp_server.mail_config())
    yield app
    stop(app)


def deliver(app: Flask) -> int:
    """Outbox passes until nothing is due; returns how many were sent."""
    sent = 0
    with app.app_context():
        while (report := deliver_due()).sent:
            sent += report.sent
        assert report.failed == 0 and report.retrying == 0
        db.session.remove()
    return sent


def send_state(app: Flask, title: str) -> str | None:
    """Where the send of the article titled `title` stands (read in a fresh transaction)."""
    with app.app_context():
        state = db.session.scalar(
            select(NewsletterSend.status).join(Post).where(Post.title == title)
        )
        db.session.remove()
    return state


def test_subscribe_confirm_publish_and_leave_with_one_click(
    live_mail_app: Flask, smtp_server: SmtpServer
) -> None:
    app, inbox = live_mail_app, smtp_server.recorder
    reader = app.test_client()
    response = reader.post(
        "/newsletter/subscribe", data=subscribe_data(app, "Ines.Moreau@Example.org")
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/newsletter/check-your-inbox"
    [confirmation] = inbox.wait_for(1)
    assert confirmation.rcpt_tos == ["ines.moreau@example.org"]
    assert subscriber_states(app) == {"ines.moreau@example.org": "pending"}
    assert "You're subscribed" in confirm_by_mail(reader, confirmation).get_data(as_text=True)
    assert subscriber_states(app) == {"ines.moreau@example.org": "confirmed"}

    coach = coach_client(app)
    publish(coach, "Breathing into the ribs")
    article_mail = inbox.wait_for(2)[1]
    message = article_mail.message
    assert article_mail.rcpt_tos == ["ines.moreau@example.org"]
    assert message["Subject"] == "Breathing into the ribs"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://strongspine\.example/newsletter/unsubscribe/[\w.-]+>, "
        r"<mailto:coach@example\.com\?subject=unsubscribe>",
        str(message["List-Unsubscribe"]),
    )
    summary = "What breathing into the ribs means for a stiff back, in two minutes."
    link = f"{SITE_URL}/blog/breathing-into-the-ribs"
    for body in (plain_text(article_mail), html_text(article_mail)):
        assert summary in body and link in body and https_unsubscribe(article_mail) in body

    # A mail program's one-click POST (RFC 8058): no session, no form, no confirmation page.
    mail_program = app.test_client()
    response = mail_program.post(
        site_path(https_unsubscribe(article_mail)), data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert subscriber_states(app) == {"ines.moreau@example.org": "unsubscribed"}

    # Nobody is left: the email page says so and offers no button; nothing is recorded or sent.
    post_id = publish(coach, "Hinging without fear")
    page = coach.get(f"/studio/articles/{post_id}/email").get_data(as_text=True)
    assert "there is nobody to email" in page and "Email it to" not in page
    assert send_state(app, "Hinging without fear") is None
    assert len(inbox.received) == 2  # nothing after the unsubscribe


def test_an_article_goes_to_each_subscriber_once_whatever_the_coach_does_next(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    readers = add_confirmed(mail_app, 5)
    coach = coach_client(mail_app)
    post_id = publish(coach, "Carrying the shopping")
    assert queue(mail_app) == 5
    assert deliver(mail_app) == 5

    coach.post(f"/studio/articles/{post_id}/unpublish")
    coach.post(f"/studio/articles/{post_id}/publish")
    edit = coach.post(
        f"/studio/articles/{post_id}/edit", data=article_form("Carrying the shopping")
    )
    assert edit.status_code == 302
    assert queue(mail_app) == 0 and deliver(mail_app) == 0

    received = smtp_server.recorder.received
    assert sorted(mail.rcpt_tos[0] for mail in received) == readers
    page = coach.get(f"/studio/articles/{post_id}/edit").get_data(as_text=True)
    assert "Emailed to subscribers" in page and "(5 emails)" in page
    assert count_rows(mail_app, NewsletterSend) == 1


def test_unsubscribing_withdraws_an_email_queued_but_not_yet_sent(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    first, *others = add_confirmed(mail_app, 3)
    coach = coach_client(mail_app)
    publish(coach, "Side planks for beginners")
    assert queue(mail_app) == 3
    with mail_app.test_request_context():
        key = db.session.scalar(select(Subscriber.key).where(Subscriber.email == first))
        leave = unsubscribe_url(key)
    assert mail_app.test_client().post(site_path(leave)).status_code == 200

    assert deliver(mail_app) == 2
    assert sorted(mail.rcpt_tos[0] for mail in smtp_server.recorder.received) == others
    dashboard = coach.get("/studio/").get_data(as_text=True)
    counts = " &middot; ".join(
        ["0 waiting to send", "2 delivered", "0 could not be sent", "1 withdrawn"]
    )
    assert counts in dashboard


def test_a_scheduled_article_goes_out_when_its_time_comes(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    add_confirmed(mail_app, 2)
    coach = coach_client(mail_app)
    with mail_app.app_context():
        at = utc_to_coach_local(utcnow() + timedelta(hours=2))
    publish(
        coach, "Rotation at the desk", publication="scheduled", publish_at=f"{at:%Y-%m-%dT%H:%M}"
    )
    # Ticked, then unticked and ticked again before the time: still one send waiting.
    assert queue(mail_app) == 0
    with time_machine.travel(utcnow() + timedelta(hours=3), tick=True):
        assert queue(mail_app) == 2
        assert deliver(mail_app) == 2
    assert {m.message["Subject"] for m in smtp_server.recorder.received} == {"Rotation at the desk"}


def test_unticking_before_the_time_means_nothing_is_sent(mail_app: Flask) -> None:
    add_confirmed(mail_app, 2)
    coach = coach_client(mail_app)
    with mail_app.app_context():
        at = utc_to_coach_local(utcnow() + timedelta(hours=2))
    when = {"publication": "scheduled", "publish_at": f"{at:%Y-%m-%dT%H:%M}"}
    post_id = publish(coach, "Loaded carries", **when)
    form = article_form("Loaded carries", email=False, **when)
    assert coach.post(f"/studio/articles/{post_id}/edit", data=form).status_code == 302
    with time_machine.travel(utcnow() + timedelta(hours=3), tick=True):
        assert queue(mail_app) == 0
    assert count_rows(mail_app, NewsletterSend) == 0


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
    mail_app: Flask, headers: dict[str, str]
) -> None:
    [known] = add_confirmed(mail_app, 1)
    client = mail_app.test_client()
    answers = [
        client.post("/newsletter/subscribe", data=subscribe_data(mail_app, email), headers=headers)
        for email in ("newcomer@example.org", known)
    ]

    def seen(response) -> tuple[int, str | None, str]:  # type: ignore[no-untyped-def]
        body = re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))  # fresh stamps
        return response.status_code, response.headers.get("Location"), body

    assert seen(answers[0]) == seen(answers[1])
    if headers:
        assert "an email with a confirmation link is on its way" in answers[0].get_data(
            as_text=True
        )
    assert subscriber_states(mail_app) == {"newcomer@example.org": "pending", known: "confirmed"}
    with mail_app.app_context():
        mails = db.session.execute(select(OutboxMessage.to_addr, OutboxMessage.kind)).all()
    # N6: the same work for both (an email each), so the answer's time tells nothing either.
    assert sorted(mails) == [
        ("newcomer@example.org", "newsletter-confirm"),
        (known, "newsletter-already"),
    ]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_address_is_refused_next_to_the_field_and_nothing_is_stored(
    mail_app: Flask, headers: dict[str, str]
) -> None:
    response = mail_app.test_client().post(
        "/newsletter/subscribe", data=subscribe_data(mail_app, "ines at example"), headers=headers
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'id="newsletter-email"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="newsletter-email"',
        html,
    )
    assert '<p class="field-error" id="newsletter-email-error">That doesn' in html
    assert ("<html" in html) is (not headers)  # htmx gets the form alone, in place
    assert count_rows(mail_app, Subscriber) == 0 and count_rows(mail_app, OutboxMessage) == 0


@pytest.mark.parametrize("trap", ["honeypot", "too fast"])
def test_spam_gets_the_same_answer_and_stores_nothing(database_file: Path, trap: str) -> None:
    app = make_app(database_file, SPAM_MIN_SECONDS=5.0 if trap == "too fast" else 0.0)
    try:
        extra = {"newsletter-website": "http://spam.example"} if trap == "honeypot" else {}
        response = app.test_client().post(
            "/newsletter/subscribe", data=subscribe_data(app, "bot@example.org", **extra)
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/newsletter/check-your-inbox"
        assert count_rows(app, Subscriber) == 0 and count_rows(app, OutboxMessage) == 0
    finally:
        stop(app)


def test_one_address_cannot_be_sent_confirmation_after_confirmation(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """N3: strangers asking again get the first answer, the address no more mail, and the link
    already sent keeps working; past a day's allowance nothing is mailed at all."""
    start = utcnow()
    answers = []
    for hour in range(6):
        with time_machine.travel(start + timedelta(hours=hour, minutes=1), tick=True):
            for number in range(3):  # three strangers, each from an address of their own
                stranger = mail_app.test_client()
                stranger.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
                data = subscribe_data(mail_app, "ines@example.org")
                answers.append(stranger.post("/newsletter/subscribe", data=data, headers=HTMX))
    bodies = {re.sub(r'value="[^"]*"', "", a.get_data(as_text=True)) for a in answers}
    assert {a.status_code for a in answers} == {200}
    assert len(bodies) == 1  # the same page every time, apart from the fresh form's stamp
    assert count_rows(mail_app, OutboxMessage) == 3  # an hour apart at most, three a day
    with time_machine.travel(start + timedelta(hours=6), tick=True):
        deliver(mail_app)
        earliest = smtp_server.recorder.to("ines@example.org")[0]
        assert confirm_by_mail(mail_app.test_client(), earliest).status_code == 200
    assert subscriber_states(mail_app) == {"ines@example.org": "confirmed"}


def test_one_visitor_asking_too_often_is_told_to_wait(mail_app: Flask) -> None:
    client = mail_app.test_client()
    statuses = [
        client.post(
            "/newsletter/subscribe",
            data=subscribe_data(mail_app, f"reader{n}@example.org"),
            headers=HTMX,
        )
        for n in range(11)
    ]
    assert [r.status_code for r in statuses] == [200] * 10 + [429]  # its own requests only
    assert "Please try again in an hour" in statuses[-1].get_data(as_text=True)
    assert count_rows(mail_app, OutboxMessage) == 10


def test_a_confirmation_link_dies_with_an_unsubscribe(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """N8: an old confirmation link re-subscribed an address that had left."""
    reader = mail_app.test_client()
    reader.post("/newsletter/subscribe", data=subscribe_data(mail_app, "ines@example.org"))
    deliver(mail_app)
    [first] = smtp_server.recorder.to("ines@example.org")
    assert confirm_by_mail(reader, first).status_code == 200
    with mail_app.app_context():
        key = db.session.scalar(select(Subscriber.key))
    assert reader.post(site_path(unsubscribe_url_in(mail_app, key))).status_code == 200
    old_link = site_path(link_in(first, "/newsletter/confirm/"))
    for method in (reader.get, reader.post):
        refused = method(old_link)
        assert refused.status_code == 400
        assert "This link is no longer valid." in refused.get_data(as_text=True)
    assert subscriber_states(mail_app) == {"ines@example.org": "unsubscribed"}
    # Asking again sends a new link, and only that one works.
    with time_machine.travel(utcnow() + timedelta(hours=2), tick=True):
        data = subscribe_data(mail_app, "ines@example.org")
        mail_app.test_client().post("/newsletter/subscribe", data=data)
        deliver(mail_app)
        second = smtp_server.recorder.to("ines@example.org")[-1]
        assert reader.post(old_link).status_code == 400
        assert confirm_by_mail(reader, second).status_code == 200
    assert subscriber_states(mail_app) == {"ines@example.org": "confirmed"}


def unsubscribe_url_in(app: Flask, key: str) -> str:
    """The unsubscribe link for a subscriber key, as the newsletter emails carry it."""
    with app.test_request_context():
        return unsubscribe_url(key)


def test_confirmation_links_expire_and_unconfirmed_addresses_are_forgotten_after_7_days(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    client = mail_app.test_client()
    for email in ("late@example.org", "prompt@example.org"):
        client.post("/newsletter/subscribe", data=subscribe_data(mail_app, email))
    deliver(mail_app)
    late, prompt = (
        smtp_server.recorder.to(e)[0] for e in ("late@example.org", "prompt@example.org")
    )
    runner = mail_app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(days=6), tick=True):
        assert "forgot 0 addresses" in runner.invoke(args=["send-newsletters"]).output
        assert confirm_by_mail(client, prompt).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=7, hours=1), tick=True):
        expired = client.get(site_path(re.search(r"https://\S+", plain_text(late)).group(0)))
        assert expired.status_code == 400 and "This link has expired." in expired.get_data(
            as_text=True
        )
        assert "forgot 1 addresses" in runner.invoke(args=["send-newsletters"]).output
    assert subscriber_states(mail_app) == {"prompt@example.org": "confirmed"}


def test_one_click_needs_no_csrf_token_but_a_genuine_signed_link(database_file: Path) -> None:
    app = make_app(database_file, WTF_CSRF_ENABLED=True, SITE_URL=SITE_URL)
    try:
        [email] = add_confirmed(app, 1)
        with app.test_request_context():
            key = db.session.scalar(select(Subscriber.key).where(Subscriber.email == email))
            path = site_path(unsubscribe_url(key))
        client = app.test_client()
        page = client.get(path).get_data(as_text=True)
        main = page.split("<main", 1)[1].split("</main>", 1)[0]  # the footer has the theme switch
        assert main.count("<button") == 1 and "Unsubscribe</button>" in main
        assert subscriber_states(app) == {email: "confirmed"}  # a GET changes nothing
        forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
        assert client.post(forged).status_code == 400
        assert client.post("/newsletter/confirm/whatever").status_code == 400  # CSRF still on
        assert subscriber_states(app) == {email: "confirmed"}
        assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
        assert subscriber_states(app) == {email: "unsubscribed"}
    finally:
        stop(app)


@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/lying-still-wont-settle-your-back"])
def test_the_form_on_public_pages_works_as_rendered_with_no_token(
    database_file: Path, path: str
) -> None:
    from blueprints.shared.seed import seed_demo_content

    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            seed_demo_content()
            db.session.remove()
        visitor = app.test_client()
        html = visitor.get(path).get_data(as_text=True)
        assert "csrf_token" not in html  # the page is the same for every visitor
        fields = dict(
            re.findall(r'name="(newsletter-[a-z_]+)" type="hidden" value="([^"]+)"', html)
        )
        data = {**fields, "newsletter-email": "reader@example.org", "newsletter-website": ""}
        response = visitor.post("/newsletter/subscribe", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
        assert subscriber_states(app) == {"reader@example.org": "pending"}
    finally:
        stop(app)


def test_the_coach_sees_counts_exports_and_removes_a_subscriber(mail_app: Flask) -> None:
    confirmed = add_confirmed(mail_app, 3)
    client = mail_app.test_client()
    for email in ("=cmd@example.org", "waiting@example.org"):
        client.post("/newsletter/subscribe", data=subscribe_data(mail_app, email))
    coach = coach_client(mail_app)
    page = coach.get("/studio/newsletter").get_data(as_text=True)
    assert "<strong>3</strong> confirmed" in page and "<strong>2</strong> waiting" in page
    assert all(email in page for email in confirmed)
    pending_page = coach.get("/studio/newsletter?status=pending").get_data(as_text=True)
    assert "waiting@example.org" in pending_page

    csv_response = coach.get("/studio/newsletter/subscribers.csv")
    assert csv_response.mimetype == "text/csv"
    lines = csv_response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    rows = list(csv.reader(lines))
    assert rows[0] == ["email", "status", "subscribed", "confirmed", "unsubscribed"]
    assert any(row[:2] == ["'=cmd@example.org", "Waiting for confirmation"] for row in rows)

    with mail_app.app_context():
        subscriber_id = db.session.scalar(
            select(Subscriber.id).where(Subscriber.email == confirmed[0])
        )
    assert "Delete" in coach.get(f"/studio/newsletter/{subscriber_id}/remove").get_data(
        as_text=True
    )
    assert coach.post(f"/studio/newsletter/{subscriber_id}/remove").status_code == 303
    assert confirmed[0] not in subscriber_states(mail_app)
    assert mail_app.test_client().get("/studio/newsletter").status_code == 302  # coach only


def test_erasing_a_person_removes_their_subscription_and_its_queued_copies(mail_app: Flask) -> None:
    first, second = add_confirmed(mail_app, 2)
    coach = coach_client(mail_app)
    publish(coach, "Stairs without a twinge")
    assert queue(mail_app) == 2
    lookup = coach.post("/studio/erase", data={"email": first}).get_data(as_text=True)
    assert "Newsletter subscriptions" in lookup
    assert (
        coach.post("/studio/erase/confirm", data={"email": first, "confirm": "y"}).status_code
        == 302
    )
    assert subscriber_states(mail_app) == {second: "confirmed"}
    with mail_app.app_context():
        left = db.session.scalars(select(OutboxMessage.to_addr)).all()
        deliveries = db.session.scalar(select(db.func.count()).select_from(NewsletterDelivery))
    assert left == [second] and deliveries == 1
