"""Newsletter: publishing an article to 5,000 confirmed subscribers, delivered to aiosmtpd.

The site runs as deployed: gunicorn (2 workers) on a migrated SQLite file (WAL), queueing and
delivery in background threads of the worker that served the publish, and a real aiosmtpd
server on loopback in this process. The coach logs in and publishes over HTTP (CSRF and all);
the publish request is timed beside the same request for articles nobody is emailed (median of
five). Then the bench waits until the SMTP server has every email and checks that each
subscriber got exactly one. Prints the request times, when queueing finished, how long delivery
took and emails per second.
"""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from blueprints.shared.extensions import db
from harness import SmtpServer, build_migrated_database, make_app
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach, csrf_token_from
from harness.newsletter import SITE_URL, add_confirmed, article_form
from harness.servers import Gunicorn, production_env

SUBSCRIBERS = 5_000
PLAIN_PUBLISHES = 5
DELIVERY_TIMEOUT_SECONDS = 1_800
TARGET_MS = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Time the request itself, not the page it redirects to."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Never follow."""
        return None


class Coach:
    """The coach's browser: a cookie jar, the CSRF token of the last page, no redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )

    def get(self, path: str) -> str:
        """A page's HTML."""
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, form: dict[str, str], token_from: str) -> tuple[str, float]:
        """Post `form` with the CSRF token of `token_from`; (redirect location, milliseconds)."""
        data = urlencode({**form, "csrf_token": csrf_token_from(self.get(token_from))}).encode()
        start = time.perf_counter()
        try:
            self.opener.open(self.base + path, data=data, timeout=60)
        except urllib.error.HTTPError as answer:
            elapsed = (time.perf_counter() - start) * 1000
            if answer.code in (302, 303):
                return answer.headers["Location"], elapsed
            raise
        raise AssertionError(f"POST {path} did not redirect")


def _draft(coach: Coach, title: str, email: bool) -> int:
    form = article_form(title, publication="draft", email=email)
    location, _ = coach.post("/studio/articles/new", form, "/studio/articles/new")
    post_id = int(re.search(r"/articles/(\d+)/", location).group(1))
    if email:  # the coach confirms the email on the page saving led to
        page = f"/studio/articles/{post_id}/email"
        readers = re.search(r'name="readers" value="(\d+)"', coach.get(page)).group(1)
        coach.post(f"{page}/send", {"readers": readers}, page)
    return post_id


def _publish_ms(coach: Coach, post_id: int) -> float:
    _, elapsed = coach.post(f"/studio/articles/{post_id}/publish", {}, "/studio/articles")
    return elapsed


def _send_state(database: Path) -> str | None:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT status FROM newsletter_send").fetchone()
    return row[0] if row else None


def main() -> None:
    """Print the figures."""
    smtp = SmtpServer().start()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "site.sqlite"
        build_migrated_database(database)
        setup = make_app(database)
        create_coach(setup)
        add_confirmed(setup, SUBSCRIBERS)
        with setup.app_context():
            db.engine.dispose()
        env = production_env(
            database, SITE_URL=SITE_URL, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port)
        )
        try:
            with Gunicorn(2, env, stderr_path=Path(folder) / "gunicorn.log") as site:
                coach = Coach(site.url)
                login = {"email": COACH_EMAIL, "password": COACH_PASSWORD, "next": ""}
                coach.post("/studio/login", login, "/studio/login")
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
                    if queued_at is None and _send_state(database) == "done":
                        queued_at = time.perf_counter() - start
                    if len(inbox.received) >= SUBSCRIBERS:
                        delivered_at = time.perf_counter() - start
                        break
                    time.sleep(0.1)
                time.sleep(2)  # would a duplicate still arrive?
                copies = Counter(mail.rcpt_tos[0] for mail in list(inbox.received))
        finally:
            smtp.stop()

    verdict = "ok" if publish_ms < TARGET_MS else "MISSED"
    print(
        f"publish request, no newsletter (median of {PLAIN_PUBLISHES})     "
        f"{statistics.median(plain):7.1f} ms"
    )
    print(
        f"publish request, emailed to {SUBSCRIBERS:,} subscribers  {publish_ms:7.1f} ms"
        f"  (target < {TARGET_MS} ms: {verdict})"
    )
    if queued_at is not None:
        print(f"all {SUBSCRIBERS:,} emails queued (batches of 50) after {queued_at:6.1f} s")
    once = sum(1 for count in copies.values() if count == 1)
    more = sum(1 for count in copies.values() if count > 1)
    print(
        f"received by aiosmtpd: {sum(copies.values()):,} emails for {len(copies):,} subscribers;"
        f" {once:,} exactly once, {more} more than once"
    )
    if delivered_at is None:
        print(f"NOT all delivered within {DELIVERY_TIMEOUT_SECONDS} s")
        return
    print(
        f"all {SUBSCRIBERS:,} delivered {delivered_at:.1f} s after the publish"
        f" = {SUBSCRIBERS / delivered_at:.0f} emails/s"
    )
