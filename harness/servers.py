"""Serving the site on loopback: a threaded werkzeug server (tests, benchmarks) or gunicorn."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment plus `extra`, for a child process of a test or benchmark.

    Under libfaketime (`make test-faketime`) a child would start its clock again at the
    FAKETIME instant and so live minutes before its parent: mail the parent queued "now"
    would not yet be due there. The child is started at the parent's present instant instead.

    The checkout comes first on PYTHONPATH: in a git worktree sharing another checkout's
    editable install, a `flask` command would otherwise import that checkout's blueprints.
    """
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if env.get("FAKETIME", "").startswith("@"):
        env["FAKETIME"] = time.strftime("@%Y-%m-%d %H:%M:%S", time.gmtime())
    return env


# Under pytest-xdist each worker takes its ports from a range of its own, below the kernel's
# ephemeral range, so two workers never pick the same free port in the moment between choosing it
# and binding it. Within a worker the range is walked in turn from a random start, so a port handed
# out but not yet bound (nginx's ports are chosen before gunicorn binds the app's) is not handed
# out again until the other 1,999 have been.
PORTS_PER_WORKER = 2000
FIRST_WORKER_PORT = 12000
_next_offset = random.randrange(PORTS_PER_WORKER)  # noqa: S311 - not a secret


def free_port() -> int:
    """A TCP port nobody is listening on right now (in this xdist worker's own range)."""
    global _next_offset  # noqa: PLW0603 - one walk through the range per process
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    low = FIRST_WORKER_PORT + int(worker[2:]) * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = low + _next_offset
        _next_offset = (_next_offset + 1) % PORTS_PER_WORKER
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{low + PORTS_PER_WORKER}")


class LiveServer:
    """The app served by a real threaded HTTP server on a free loopback port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: BaseWSGIServer = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._thread.join(5)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `condition` until it is true or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Gunicorn:
    """gunicorn serving `create_app()` from this checkout, stopped on exit."""

    def __init__(
        self,
        workers: int,
        env: dict[str, str],
        app: str = "app:create_app()",
        stderr_path: Path | None = None,
        start_seconds: float = 30.0,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = child_environment(**env)
        self.app = app
        # Where gunicorn's stderr (its log and the app's) goes, to be read after the run; a
        # file rather than a pipe nobody reads, which would stall a chatty server.
        self.stderr_path = stderr_path
        self._stderr_file: IO[bytes] | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.start_seconds = start_seconds  # how long the first page may take to answer

    def __enter__(self) -> Gunicorn:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        if self.stderr_path is not None:
            self._stderr_file = self.stderr_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own executable
            [gunicorn, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--graceful-timeout", "2", self.app],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=self._stderr_file or subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=1).read()  # noqa: S310
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._stderr_file is not None:
            self._stderr_file.close()

    def worker_pids(self) -> list[int]:
        """The process ids of the running workers (Linux: the master's children in /proc)."""
        assert self.process is not None, "gunicorn is not running"
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def seeded_database() -> Path:
    """A new SQLite file, migrated and seeded with the demo content, as `make run` makes it."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    database = folder / "site.sqlite"
    env = child_environment(DATABASE_URL=f"sqlite:///{database}", FLASK_DEBUG="1")
    flask = str(Path(sys.executable).parent / "flask")
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(  # noqa: S603 - fixed arguments
            [flask, "--app", "app", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    return database


def production_env(database: Path, **extra: str) -> dict[str, str]:
    """Environment for a gunicorn run: a real secret, the given database, no SMTP."""
    return {
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "DATABASE_URL": f"sqlite:///{database}",
        "SESSION_COOKIE_SECURE": "false",
        "SITE_URL": "http://127.0.0.1",
        "FLASK_DEBUG": "0",
        **extra,
    }
