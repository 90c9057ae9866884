"""Start the real site under gunicorn on loopback, with a seeded SQLite file, for benchmarks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """gunicorn serving `create_app()` from this checkout, stopped on exit."""

    def __init__(self, workers: int, env: dict[str, str], app: str = "app:create_app()") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {**os.environ, **env}
        self.app = app
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own executable
            [gunicorn, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--graceful-timeout", "2", self.app],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 30
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


def seeded_database() -> Path:
    """A new SQLite file, migrated and seeded with the demo content, as `make run` makes it."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    database = folder / "site.sqlite"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "FLASK_DEBUG": "1"}
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
        "FLASK_DEBUG": "0",
        **extra,
    }
