"""The background worker outlives a pass that lost the database."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import text

from blueprints.shared.background import BackgroundWorker
from blueprints.shared.extensions import db


def test_a_pass_whose_connection_died_does_not_end_the_worker(app: Flask) -> None:
    """As when PostgreSQL restarts mid-pass: even closing the dead session fails, and the next
    pass must still run on the same thread (a dead thread would wait for the next wake-up)."""
    threads: list[int] = []
    second_pass = threading.Event()

    def job(keep_going: object) -> None:
        threads.append(threading.get_ident())
        if len(threads) == 1:
            connection = db.session.connection()
            connection.connection.dbapi_connection.close()  # the server went away
            raise RuntimeError("the database went away")
        if db.session.scalar(text("SELECT 1")) == 1:  # and the next pass has a working session
            second_pass.set()

    escaped: list[BaseException | None] = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: escaped.append(args.exc_value)
    worker = BackgroundWorker(app, "test-worker", job, poll_seconds=0.05)
    try:
        worker.wake()
        assert second_pass.wait(10), "no second pass ran"
    finally:
        worker.stop()
        threading.excepthook = previous_hook
    assert escaped == [], f"an exception ended the worker's thread: {escaped}"
    assert len(set(threads)) == 1
