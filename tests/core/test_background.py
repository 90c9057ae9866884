"""The background worker outlives a pass that lost the database."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import text

from blueprints.shared.background import BackgroundWorker
from blueprints.shared.extensions import db
from harness.servers import wait_until


def test_a_pass_whose_connection_died_does_not_end_the_worker(app: Flask) -> None:
    """As when PostgreSQL restarts mid-pass: even closing the dead session fails, and the next
    pass must still run on the same thread with a working session."""
    threads: list[int] = []
    second_pass_worked: list[bool] = []

    def job(keep_going: object) -> None:
        threads.append(threading.get_ident())
        if len(threads) == 1:
            connection = db.session.connection()
            connection.connection.dbapi_connection.close()  # the server went away
            raise RuntimeError("the database went away")
        second_pass_worked.append(db.session.scalar(text("SELECT 1")) == 1)

    escaped: list[BaseException | None] = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: escaped.append(args.exc_value)
    # No pass here waits for the poll: timed waits never end under libfaketime (make
    # test-faketime), so each pass is asked for with wake() and awaited by polling with sleep.
    worker = BackgroundWorker(app, "test-worker", job, poll_seconds=3600)
    try:
        worker.wake()
        assert wait_until(lambda: len(threads) == 1)
        worker.wake()  # a dead thread would be started again: a second thread in `threads`
        assert wait_until(lambda: bool(second_pass_worked)), "no second pass ran"
    finally:
        worker.stop()
        threading.excepthook = previous_hook
    assert escaped == [], f"an exception ended the worker's thread: {escaped}"
    assert second_pass_worked == [True]
    assert len(set(threads)) == 1, "the second pass ran on a new thread: the first one had died"
