"""Newsletter: publishing an article to 5,000 confirmed subscribers, delivered to aiosmtpd.

A real migrated SQLite file (WAL) in a temporary folder, the site configured as deployed
(background queueing and delivery in the web process) and a real aiosmtpd server on loopback.
The coach's publish request is timed beside the same request for articles nobody is emailed
(median of five); then the bench waits until the SMTP server has every email, and checks that
each subscriber got exactly one. Prints the request times, how long queueing and delivery took,
and emails per second.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.newsletter.models import NewsletterSend
from blueprints.shared.extensions import db
from tests.newsletter_support import SITE_URL, add_confirmed, article_form
from tests.studio_support import coach_client
from tests.support import SmtpServer, build_migrated_database, make_app, shutdown_app

SUBSCRIBERS = 5_000
PLAIN_PUBLISHES = 5
DELIVERY_TIMEOUT_SECONDS = 1_800
TARGET_MS = 200


def _draft(coach: FlaskClient, title: str, email: bool) -> int:
    form = article_form(title, publication="draft", email=email)
    response = coach.post("/studio/articles/new", data=form)
    assert response.status_code == 302, response.status_code
    return int(re.search(r"/articles/(\d+)/edit", response.headers["Location"]).group(1))


def _publish_ms(coach: FlaskClient, post_id: int) -> float:
    start = time.perf_counter()
    response = coach.post(f"/studio/articles/{post_id}/publish")
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, response.status_code
    return elapsed


def _send_state(app: Flask) -> str | None:
    with app.app_context():
        state = db.session.scalar(select(NewsletterSend.status))
        db.session.remove()
    return state


def main() -> None:
    """Print the figures."""
    smtp = SmtpServer().start()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(
            database, SITE_URL=SITE_URL, MAIL_BACKGROUND_SENDER=True, **smtp.mail_config()
        )
        try:
            add_confirmed(app, SUBSCRIBERS)
            coach = coach_client(app)
            plain = [
                _publish_ms(coach, _draft(coach, f"Plain article {n}", email=False))
                for n in range(PLAIN_PUBLISHES)
            ]
            newsletter_post = _draft(coach, "An article for every subscriber", email=True)
            start = time.perf_counter()
            publish_ms = _publish_ms(coach, newsletter_post)
            queued_at = delivered_at = None
            inbox = smtp.recorder
            while time.perf_counter() - start < DELIVERY_TIMEOUT_SECONDS:
                if queued_at is None and _send_state(app) == "done":
                    queued_at = time.perf_counter() - start
                if len(inbox.received) >= SUBSCRIBERS:
                    delivered_at = time.perf_counter() - start
                    break
                time.sleep(0.1)
            time.sleep(2)  # would a duplicate still arrive?
            copies = Counter(mail.rcpt_tos[0] for mail in list(inbox.received))
        finally:
            app.extensions["newsletter_queuer"].stop()
            shutdown_app(app)
            smtp.stop()

    verdict = "ok" if publish_ms < TARGET_MS else "MISSED"
    print(
        f"publish request, article with no newsletter (median of {PLAIN_PUBLISHES})"
        f"      {statistics.median(plain):7.1f} ms"
    )
    print(
        f"publish request, article emailed to {SUBSCRIBERS:,} subscribers"
        f"        {publish_ms:7.1f} ms  (target < {TARGET_MS} ms: {verdict})"
    )
    if queued_at is not None:
        print(f"all {SUBSCRIBERS:,} emails queued (batches of 50) after   {queued_at:7.1f} s")
    once = sum(1 for count in copies.values() if count == 1)
    twice = sum(1 for count in copies.values() if count > 1)
    print(
        f"received by aiosmtpd: {sum(copies.values()):,} emails, {len(copies):,} subscribers,"
        f" {once:,} exactly once, {twice} more than once"
    )
    if delivered_at is None:
        print(f"NOT all delivered within {DELIVERY_TIMEOUT_SECONDS} s")
        return
    print(
        f"time to deliver all {SUBSCRIBERS:,}: {delivered_at:.1f} s"
        f"  = {SUBSCRIBERS / delivered_at:.0f} emails/s"
    )
