"""Rate limits: counted per client in the database, so every worker sees the same count."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import RateEvent
from blueprints.shared.ratelimit import allow
from harness import make_app, shutdown_app
from harness.instants import clock_marks

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")


def _allowed(app: Flask, times: int, address: str = "203.0.113.7") -> list[bool]:
    answers = []
    for _ in range(times):
        with app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
            answers.append(allow("comment", limit=3, per_seconds=3600))
    return answers


def test_the_limit_counts_per_client(app: Flask) -> None:
    assert _allowed(app, 4) == [True, True, True, False]
    assert _allowed(app, 1, address="198.51.100.1") == [True]  # someone else


def test_two_workers_share_one_count(database_file: Path) -> None:
    worker_a, worker_b = make_app(database_file), make_app(database_file)
    try:
        assert _allowed(worker_a, 2) == [True, True]
        assert _allowed(worker_b, 2) == [True, False]
    finally:
        shutdown_app(worker_a)
        shutdown_app(worker_b)


def test_old_events_leave_the_window_and_the_database(app: Flask) -> None:
    assert _allowed(app, 3) == [True, True, True]
    with app.app_context():
        for event in db.session.scalars(select(RateEvent)):
            event.at = utcnow() - timedelta(hours=2)
        db.session.add(RateEvent(key="login:someone-else", at=utcnow() - timedelta(days=2)))
        db.session.commit()
    assert _allowed(app, 1) == [True]
    with app.app_context():
        keys = db.session.scalars(select(RateEvent.key)).all()
        assert len(keys) == 1 and keys[0].startswith("comment:")  # nothing older than a day
        assert db.session.scalar(select(func.count()).select_from(RateEvent)) == 1


def test_no_address_is_stored_in_the_clear(app: Flask) -> None:
    _allowed(app, 1)
    with app.app_context():
        [key] = db.session.scalars(select(RateEvent.key)).all()
    assert "203.0.113.7" not in key
