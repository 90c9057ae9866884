"""Helpers for the newsletter tests: the form, links out of delivered mail, subscriber rows."""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.newsletter.models import Subscriber
from blueprints.newsletter.sending import queue_due_sends
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.spam import new_form_token
from harness import ReceivedMail

SITE_URL = "https://strongspine.example"


HTMX = {"HX-Request": "true"}


def subscribe_data(app: Flask, email: str, **overrides: str) -> dict[str, str]:
    """What the subscribe form posts (the field names carry the form's prefix)."""
    with app.test_request_context():
        stamp = new_form_token()
    data = {"newsletter-email": email, "newsletter-website": "", "newsletter-form_started": stamp}
    data.update(overrides)
    return data


def plain_text(mail: ReceivedMail) -> str:
    """The plain-text part of a delivered email."""
    return mail.message.get_body(preferencelist=("plain",)).get_content()


def html_text(mail: ReceivedMail) -> str:
    """The HTML part of a delivered email."""
    return mail.message.get_body(preferencelist=("html",)).get_content()


def site_path(url: str) -> str:
    """A link on SITE_URL as a path the test client can request."""
    assert url.startswith(SITE_URL + "/"), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_in(mail: ReceivedMail, prefix: str) -> str:
    """The first SITE_URL link in the plain text whose path starts with `prefix`."""
    match = re.search(re.escape(SITE_URL + prefix) + r"\S+", plain_text(mail))
    assert match, plain_text(mail)
    return match.group(0)


def https_unsubscribe(mail: ReceivedMail) -> str:
    """The https address in the List-Unsubscribe header."""
    header = str(mail.message["List-Unsubscribe"])
    match = re.search(r"<(https://[^>]+)>", header)
    assert match, header
    return match.group(1)


def confirm_by_mail(client: FlaskClient, mail: ReceivedMail) -> Any:
    """Follow the confirmation link and press its button, as the reader does."""
    path = site_path(link_in(mail, "/newsletter/confirm/"))
    page = client.get(path)
    assert page.status_code == 200 and "Yes, email me new articles" in page.get_data(as_text=True)
    return client.post(path)


def add_confirmed(app: Flask, count: int, start: int = 0) -> list[str]:
    """`count` confirmed subscribers straight into the table; returns their addresses."""
    emails = [f"reader{n:05d}@example.net" for n in range(start, start + count)]
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            Subscriber(
                email=email,
                key=secrets.token_urlsafe(24),
                status="confirmed",
                confirmed_at=now,
            )
            for email in emails
        )
        db.session.commit()
        db.session.remove()
    return emails


def subscriber_states(app: Flask) -> dict[str, str]:
    """Address -> state, for every stored subscriber."""
    with app.app_context():
        rows = db.session.execute(select(Subscriber.email, Subscriber.status)).all()
        db.session.remove()
    return dict(rows)  # type: ignore[arg-type]


def count_rows(app: Flask, model: type) -> int:
    """How many rows `model`'s table holds."""
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(model)) or 0
        db.session.remove()
    return total


def article_form(title: str, publication: str = "published", email: bool = True, **extra: str):  # type: ignore[no-untyped-def]
    """What the studio's article editor posts."""
    data = {
        "title": title,
        "slug": "",
        "summary": f"What {title.lower()} means for a stiff back, in two minutes.",
        "body_md": "Move a little, often, in every direction.",
        "tags": "",
        "cover_alt": "",
        "publication": publication,
        "publish_at": "",
    }
    if email:
        data["email_subscribers"] = "y"
    data.update(extra)
    return data


def queue(app: Flask) -> int:
    """One queueing pass, as the background thread or cron would run it."""
    with app.app_context():
        queued = queue_due_sends(batch_size=2)  # small batches: several commits per send
        db.session.remove()
    return queued


def publish(coach: FlaskClient, title: str, **form: str) -> int:
    """Write an article in the studio and save it; returns its id. With the newsletter box
    ticked, saving leads to the page that shows the email, and the coach confirms it there."""
    response = coach.post("/studio/articles/new", data=article_form(title, **form))
    assert response.status_code == 302, response.get_data(as_text=True)
    post_id = int(re.search(r"/articles/(\d+)/", response.headers["Location"]).group(1))
    if response.headers["Location"].endswith(f"/articles/{post_id}/email"):
        confirm_newsletter(coach, post_id)
    return post_id


def confirm_newsletter(coach: FlaskClient, post_id: int) -> None:
    """Press "Email it to N readers" on the article's email page, as the coach does (with no
    confirmed reader there is no such button, and nothing to do)."""
    page = coach.get(f"/studio/articles/{post_id}/email").get_data(as_text=True)
    readers = re.search(r'name="readers" value="(\d+)"', page)
    if readers is None:
        assert "there is nobody to email" in page, page
        return
    sent = coach.post(
        f"/studio/articles/{post_id}/email/send",
        data={"readers": readers.group(1), "csrf_token": "unused"},
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)
