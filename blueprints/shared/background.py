"""One daemon thread per process that does a job when woken after a commit, and every so often.

The outbox sender and the newsletter queuer are both this: the database is the queue, so a
lost wake-up only delays the job until the next poll, and a second process doing the same job
is safe because each job claims its rows in the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

from blueprints.shared.database import writes_by_default
from blueprints.shared.extensions import db

log = logging.getLogger(__name__)

# The job is given `keep_going()`, false once the worker is asked to stop, to end a long pass early.
Job = Callable[[Callable[[], bool]], None]


class BackgroundWorker:
    """Runs `job` in an app context on its own thread whenever woken, and every `poll_seconds`."""

    def __init__(self, app: Flask, name: str, job: Job, poll_seconds: float) -> None:
        self.app = app
        self.name = name
        self.job = job
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        """Ask for a pass soon; starts the thread on first use."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (tests and shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _keep_going(self) -> bool:
        return not self._stop.is_set()

    def _run(self) -> None:
        writes_by_default()  # its passes claim and update rows: take SQLite's write lock at BEGIN
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                break
            with self.app.app_context():
                try:
                    self.job(self._keep_going)
                except Exception:
                    log.exception("%s: pass failed", self.name)
                finally:
                    self._close_session()

    def _close_session(self) -> None:
        # With its connection gone (a database restart) even the rollback of closing fails; the
        # thread must outlive that, or nothing runs until the next commit wakes it.
        try:
            db.session.remove()
        except Exception:
            log.exception("%s: closing the pass's session failed", self.name)
