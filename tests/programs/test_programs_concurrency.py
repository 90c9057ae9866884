"""Many people at once over real HTTP on a real SQLite file: capacity holds, no gaps, no 5xx."""

from __future__ import annotations

import http.client
import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from blueprints.shared.outbox import deliver_due
from blueprints.shared.spam import new_form_token
from harness import LiveServer, SmtpServer, make_app, shutdown_app
from harness.instants import at
from harness.programs import make_program, outbox_rows, signups_of

PEOPLE = 30
CAPACITY = 10


@pytest.fixture
def served(database_file: Path, smtp_server: SmtpServer) -> Iterator[LiveServer]:
    """The site on a threaded HTTP server, mail to aiosmtpd, the rate limit out of the way."""
    app = make_app(database_file, PROGRAM_SIGNUP_RATE_LIMIT=1000, **smtp_server.mail_config())
    server = LiveServer(app)
    app.config["SITE_URL"] = server.url  # emailed links lead back to this server
    server.start()
    yield server
    server.stop()
    shutdown_app(app)


def request(server: LiveServer, method: str, path: str, body: str = "", htmx: bool = False):
    """One HTTP request on its own connection; returns (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if htmx:
        headers["HX-Request"] = "true"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def all_at_once(jobs: list) -> list:
    """Run every job in its own thread, released together by a barrier; returns the results."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = jobs[index]()
        except Exception as error:  # a failed request is a result too, not a lost one
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def form_for(server: LiveServer, person: int, stamp: str) -> str:
    """A complete signup, as the page would post it."""
    return urlencode(
        {
            "name": f"Person {person}",
            "email": f"person{person}@example.com",
            "goals": "Lift my toddler without bracing for pain.",
            "history": "Stiff low back most mornings for a year.",
            "consent": "y",
            "website": "",
            "form_started": stamp,
        }
    )


def deliver_everything(app: Flask) -> int:
    """Drain the outbox into the SMTP server."""
    sent = 0
    with app.app_context():
        while (report := deliver_due()).sent:
            assert report.failed == 0
            sent += report.sent
    return sent


@at("tue-21:58", "spring-00:58", "autumn-01:30")  # the live server's threads share the clock
def test_many_simultaneous_signups_never_exceed_capacity_and_cancels_promote_once(
    served: LiveServer, smtp_server: SmtpServer
) -> None:
    app = served.app
    program = make_program(app, capacity=CAPACITY)
    status, page = request(served, "GET", "/programs/evening-course")
    assert status == 200
    assert re.search(r'name="form_started" type="hidden" value="[^"]+"', page)
    with app.app_context():  # each person loaded the page: a stamp serves only a few signups
        stamps = [new_form_token() for _ in range(PEOPLE)]

    path = "/programs/evening-course/signup"
    jobs = [
        (lambda n=n: request(served, "POST", path, form_for(served, n, stamps[n]), htmx=n % 2 == 0))
        for n in range(PEOPLE)
    ]
    results = all_at_once(jobs)

    statuses = Counter(
        result[0] if isinstance(result, tuple) else repr(result) for result in results
    )
    # htmx posts get the message (200), plain posts are redirected (303); nothing else
    assert statuses == Counter({200: PEOPLE // 2, 303: PEOPLE // 2})
    rows = signups_of(app, program.id)
    assert len(rows) == PEOPLE
    assert sum(status == "confirmed" for _, status, _ in rows) == CAPACITY
    positions = sorted(position for _, status, position in rows if status == "waitlisted")
    assert positions == list(range(1, PEOPLE - CAPACITY + 1))
    kinds = Counter(kind for kind, _, _, _ in outbox_rows(app))
    assert kinds == Counter(
        {
            "program-confirmed": CAPACITY,
            "program-waitlisted": PEOPLE - CAPACITY,
            "program-signup-coach": PEOPLE,
        }
    )
    assert deliver_everything(app) == 2 * PEOPLE
    assert len(smtp_server.recorder.wait_for(2 * PEOPLE)) == 2 * PEOPLE

    # Three people cancel at once, each pressing the button four times in parallel.
    confirmed = [email for email, status, _ in rows if status == "confirmed"][:3]
    waiting = {position: email for email, status, position in rows if status == "waitlisted"}
    links = []
    for email in confirmed:
        [mail] = smtp_server.recorder.to(email)
        body = mail.message.get_body(("plain",)).get_content()
        links.append(re.search(r"http://127\.0\.0\.1:\d+(/programs/cancel/\S+)", body).group(1))
    cancels = all_at_once(
        [(lambda link=link: request(served, "POST", link)) for link in links for _ in range(4)]
    )
    assert {result[0] for result in cancels} == {303}

    rows = signups_of(app, program.id)
    assert sum(status == "confirmed" for _, status, _ in rows) == CAPACITY
    assert sum(status == "cancelled" for _, status, _ in rows) == 3
    positions = sorted(position for _, status, position in rows if status == "waitlisted")
    assert positions == list(range(1, PEOPLE - CAPACITY - 3 + 1))
    promoted = {email for email, status, _ in rows if status == "confirmed"}
    assert {waiting[1], waiting[2], waiting[3]} <= promoted

    assert deliver_everything(app) == 6  # three promotions, three notes to the coach
    for position in (1, 2, 3):
        subjects = [m.message["Subject"] for m in smtp_server.recorder.to(waiting[position])]
        assert subjects[1:] == ["A place opened up: you're in for Evening back course"]
    assert len(smtp_server.recorder.to(waiting[4])) == 1  # still waiting, not emailed again
    assert len(smtp_server.recorder.received) == 2 * PEOPLE + 6
