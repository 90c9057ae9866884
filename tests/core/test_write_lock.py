"""Writes that cannot fail on a lock: a request that reads, then writes, waits for the write lock
instead of answering 500 ("database is locked") when another connection writes at the same time.

Issue 24's N4: `/me/sign-in` for known addresses answered 500 in 25 of 36 requests when 12
clients asked at once while another process wrote. Every transaction that may write now takes
the write lock when it begins (blueprints/shared/database.py); these tests hold that.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from blueprints.me.models import SignInLink
from blueprints.shared.background import BackgroundWorker
from blueprints.shared.clock import utcnow
from blueprints.shared.database import _begin_mode, init_commands
from blueprints.shared.extensions import db
from blueprints.shared.models import RateEvent
from harness import LiveServer, wait_until
from harness.me import add_signup

CLIENTS = 12
ROUNDS = 3


def _post_from(address: str, port: int, path: str, form: dict[str, str]) -> int:
    """POST a form from the loopback `address` (each client counts as its own visitor)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(address, 0)
    )
    try:
        body = urlencode(form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",
        }
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def busy_writer(seeded_app: Flask) -> Iterator[None]:
    """Another connection that keeps committing short writes, as `flask send-mail --loop` does."""
    stop = threading.Event()

    def write() -> None:
        with seeded_app.app_context():
            while not stop.is_set():
                with db.engine.begin() as connection:
                    connection.execute(insert(RateEvent).values(key="busy-writer", at=utcnow()))
                time.sleep(0.002)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


def test_sign_in_requests_racing_a_writer_never_answer_500(seeded_app: Flask) -> None:
    emails = [f"client{n}@example.com" for n in range(CLIENTS)]
    for email in emails:
        add_signup(seeded_app, email)
    server = LiveServer(seeded_app).start()
    statuses: list[int] = []

    def ask(n: int, barrier: threading.Barrier) -> None:
        barrier.wait()
        status = _post_from(f"127.0.0.{n + 2}", server.port, "/me/sign-in", {"email": emails[n]})
        statuses.append(status)

    try:
        with busy_writer(seeded_app):
            for _round in range(ROUNDS):
                barrier = threading.Barrier(CLIENTS)
                threads = [threading.Thread(target=ask, args=(n, barrier)) for n in range(CLIENTS)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(90)
    finally:
        server.stop()

    assert len(statuses) == CLIENTS * ROUNDS
    assert [status for status in statuses if status >= 500] == []
    assert statuses == [200] * (CLIENTS * ROUNDS)
    with seeded_app.app_context():
        # every answered request stored its link
        assert db.session.scalar(select(func.count()).select_from(SignInLink)) == CLIENTS * ROUNDS


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [
        ("GET", "/drills/", "DEFERRED"),  # reads stay concurrent under WAL
        ("HEAD", "/blog/", "DEFERRED"),
        ("POST", "/me/sign-in", "IMMEDIATE"),
        ("POST", "/contact/", "IMMEDIATE"),
        ("GET", "/me/", "IMMEDIATE"),  # the signed-in areas' pages may write
        ("GET", "/studio/", "IMMEDIATE"),
    ],
)
def test_a_request_that_may_write_takes_the_write_lock_when_it_begins(
    app: Flask, method: str, path: str, mode: str
) -> None:
    with app.test_request_context(path, method=method):
        assert _begin_mode() == mode


def test_commands_and_background_workers_take_the_write_lock(app: Flask) -> None:
    seen: list[str] = []

    @app.cli.command("probe-begin")
    def probe() -> None:
        seen.append(_begin_mode())

    init_commands(app)
    result = app.test_cli_runner().invoke(args=["probe-begin"])
    assert result.exit_code == 0, result.output
    assert seen == ["IMMEDIATE"]
    assert _begin_mode() == "DEFERRED"  # only while the command ran

    worker = BackgroundWorker(app, "probe", lambda _keep_going: seen.append(_begin_mode()), 60)
    worker.wake()
    try:
        assert wait_until(lambda: len(seen) == 2)
    finally:
        worker.stop()
    assert seen == ["IMMEDIATE", "IMMEDIATE"]
