"""Two app hosts, one PostgreSQL, one uploads folder, behind one nginx upstream (deploy/'s site):
24 visitors racing for one consultation slot book it once, each email is delivered once, rate
limits count across both hosts, and the coach's edit on one host shows on the other.

Each host is its own gunicorn with its own environment and its own mail sender (its workers'
background senders and a `flask send-mail --loop`); all of it on loopback.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.seed import seed_demo_content
from harness import SmtpServer, free_port, make_app, shutdown_app, wait_until
from harness.browser_forms import Form, forms_on
from harness.coach import COACH_PASSWORD, create_coach
from harness.deploy import CHECKED, Browser, good_env
from harness.edge import start_edge, wait_for_port

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
VISITORS = 24
COACH = "maya@strongspine.example"


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture
def two_hosts(database_file: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """nginx in front of two gunicorns (2 workers each) on one PostgreSQL database."""
    seeding = make_app(database_file)
    with seeding.app_context():
        seed_demo_content()
        db.session.remove()
    create_coach(seeding, COACH)
    smtp = SmtpServer().start()
    host_ports = {"a": free_port(), "b": free_port()}
    # deploy/'s site with both hosts in its upstream block; it waits for them to come up
    edge = start_edge(
        tmp_path, "; server ".join(f"127.0.0.1:{port}" for port in host_ports.values())
    )
    site_url = edge.site_url
    uploads = tmp_path / "uploads"  # one folder both hosts mount
    uploads.mkdir()
    shared = {
        **{k: v for k, v in os.environ.items() if k not in CHECKED},
        **good_env(tmp_path / "unused.sqlite"),
        "DATABASE_URL": database_file,
        "SITE_URL": site_url,
        "TRUSTED_HOSTS": "localhost",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "COACH_EMAIL": COACH,
        "UPLOAD_FOLDER": str(uploads),
        "PROGRAM_SIGNUP_RATE_LIMIT": "2",
        "SPAM_MIN_SECONDS": "0",
        "PYTHONPATH": str(ROOT),  # this checkout's code, for `flask` too
    }
    hosts, processes = [], []
    try:
        for name, port in host_ports.items():
            env = {**shared, "HOST_NAME": name}  # each host's own environment
            log = tmp_path / f"host-{name}.log"
            with log.open("wb") as out:
                web = subprocess.Popen(  # noqa: S603 - fixed arguments
                    [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                     "--access-logfile", str(tmp_path / f"access-{name}.log"),
                     "--access-logformat", "%(r)s %(s)s", "app:create_app()"],
                    cwd=ROOT, env=env, stdout=out, stderr=out,
                )  # fmt: skip
                mail = subprocess.Popen(  # noqa: S603 - fixed arguments
                    [str(BIN / "flask"), "--app", "app", "send-mail", "--loop", "--interval",
                     "1"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out,
                )  # fmt: skip
            processes += [web, mail]
            hosts.append(
                {
                    "port": port,
                    "process": web,
                    "log": log,
                    "access": tmp_path / f"access-{name}.log",
                }
            )
        for host in hosts:
            wait_for_port(host["port"], host["process"], host["log"])
            _warm_up(host["port"])
        yield {
            "app": seeding, "smtp": smtp, "hosts": hosts,
            "ports": (edge.https_port, edge.http_port),
            "tmp": tmp_path,
        }  # fmt: skip
    finally:
        for process in reversed(processes):
            _stop(process)
        edge.stop()
        smtp.stop()
        shutdown_app(seeding)


def _warm_up(port: int) -> None:
    """Until each worker of a host has built the app (slow on a busy machine): any answer."""
    deadline = time.monotonic() + 180
    answered = 0
    while answered < 4 and time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", "/robots.txt", headers={"Host": "localhost"})
            connection.getresponse().read()
            answered += 1
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
        finally:
            connection.close()


def _post_form(page: str, path: str) -> Form:
    """The page's form that posts to `path`."""
    return next(f for f in forms_on(page, path) if f.method == "post" and f.action == path)


def _booking_form(browser: Browser) -> tuple[str, dict[str, str]]:
    status, _, page = browser.request("GET", "/contact/?topic=consultation")
    assert status == 200
    form = _post_form(page, "/contact/")
    return form.choices["slot"][0], form.fields


def test_two_hosts_book_one_slot_once_and_deliver_each_email_once(
    two_hosts: dict[str, Any],
) -> None:
    https_port, http_port = two_hosts["ports"]
    visitors = [Browser(f"127.0.0.{n + 2}", https_port, http_port) for n in range(VISITORS)]
    forms = [_booking_form(visitor) for visitor in visitors]
    slot = forms[0][0]
    statuses: list[int] = []
    barrier = threading.Barrier(VISITORS)

    def book(n: int) -> None:
        fields = {
            **forms[n][1], "name": f"Visitor {n}", "email": f"visitor{n}@example.org",
            "topic": "consultation", "slot": slot, "format": "video",
            "reason": "Stiff every morning.", "pain_duration": "6_weeks_3_months",
            "leg_numbness": "no", "bladder_bowel": "no", "weight_loss": "no",
            "recent_trauma": "no",
        }  # fmt: skip
        barrier.wait()
        statuses.append(visitors[n].request("POST", "/contact/", fields)[0])

    threads = [threading.Thread(target=book, args=(n,)) for n in range(VISITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert Counter(statuses)[303] == 1, statuses
    assert all(status < 500 for status in statuses), statuses
    app = two_hosts["app"]
    from blueprints.booking.models import Booking

    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Booking).where(Booking.status == "confirmed")
            )
            == 1
        )
        db.session.remove()
    for host in two_hosts["hosts"]:  # both hosts took part in the race
        assert "POST /contact/ HTTP" in host["access"].read_text()

    def all_sent() -> bool:
        with app.app_context():
            rows = db.session.scalars(select(OutboxMessage.status)).all()
            db.session.remove()
        return bool(rows) and set(rows) == {"sent"}

    assert wait_until(all_sent, timeout=90)
    with app.app_context():
        queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        db.session.remove()
    received = two_hosts["smtp"].recorder.wait_for(queued, timeout=30)
    ids = Counter(str(mail.message["Message-ID"]) for mail in received)
    assert len(ids) == queued
    assert max(ids.values()) == 1  # each email once, though two hosts' senders ran


def test_rate_limits_count_across_both_hosts(two_hosts: dict[str, Any]) -> None:
    https_port, http_port = two_hosts["ports"]
    browser = Browser("127.0.0.77", https_port, http_port)
    slug = "back-basics-group-course"
    # nginx sends consecutive requests to alternate hosts; the limit is 2 per address per hour
    answers = [browser.sign_up(slug, f"family{n}@example.org") for n in range(3)]
    assert answers[:2] == [303, 303]
    assert answers[2] == 429


def test_the_coachs_edit_on_one_host_shows_on_the_other(two_hosts: dict[str, Any]) -> None:
    https_port, http_port = two_hosts["ports"]
    app = two_hosts["app"]
    from blueprints.blog.models import Post

    with app.app_context():
        post = db.session.scalars(select(Post).where(Post.status == "published")).first()
        assert post is not None
        post_id, slug = post.id, post.slug
        db.session.remove()
    coach = Browser("127.0.0.88", https_port, http_port)
    page = coach.request("GET", "/studio/login")[2]
    login = _post_form(page, "/studio/login")
    status, _, _ = coach.request(
        "POST", "/studio/login", {**login.fields, "email": COACH, "password": COACH_PASSWORD}
    )
    assert status in (302, 303)
    reader = Browser("127.0.0.99", https_port, http_port)
    assert reader.request("GET", f"/blog/{slug}")[0] == 200  # both hosts have it cached now
    assert reader.request("GET", f"/blog/{slug}")[0] == 200
    edit = f"/studio/articles/{post_id}/edit"
    form = _post_form(coach.request("GET", edit)[2], edit)
    assert coach.request("POST", edit, {**form.fields, "title": "Edited on one host"})[0] in (
        302,
        303,
    )

    def both_show_it() -> bool:
        return all(
            "Edited on one host" in reader.request("GET", f"/blog/{slug}")[2] for _ in range(2)
        )

    assert wait_until(both_show_it, timeout=15)
    for host in two_hosts["hosts"]:  # and each host served the article
        assert f"GET /blog/{slug} HTTP" in host["access"].read_text()
