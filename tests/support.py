"""Real parts for tests: a migrated database, an SMTP server on loopback, a live web server.

The database is a SQLite file by default, or the PostgreSQL database named by TEST_DATABASE_URL
(tests/with_postgres.sh starts one); `database_file` fixtures hold a Path or that URL.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from blueprints.shared.extensions import db


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A SQLite file, or the URL of a PostgreSQL database.
Database = Path | str

# Tables the migrations fill that a clean database keeps (content_version is reset to its row).
KEPT_TABLES = ("alembic_version", "content_version")


def database_uri(database: Database) -> str:
    """The SQLAlchemy URL of a test database."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def base_test_config(database_file: Database) -> dict[str, Any]:
    """What every test app shares: testing on, a real database, mail off unless asked."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri(database_file),
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": "",
        "MAIL_BACKGROUND_SENDER": False,
        "MAIL_TIMEOUT": 2.0,
        "SPAM_MIN_SECONDS": 0.0,
        "SERVER_NAME": None,
        "SITE_URL": "http://localhost",
    }


def build_migrated_database(target: Database) -> None:
    """Create a database by running every migration, as `make run` does."""
    from flask_migrate import upgrade

    app = create_app(base_test_config(target))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    if isinstance(target, Path):
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def copy_database(template: Path, target: Path) -> None:
    """A fresh copy of the migrated template for one test."""
    shutil.copyfile(template, target)


def clean_postgres_database(url: str) -> None:
    """Empty every table the migrations made, as if they had just run.

    Connections an earlier test left open would hold locks that TRUNCATE waits for; they belong
    to apps that are gone, so they are ended first.
    """
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        tables = connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
        emptied = ", ".join(f'"{name}"' for name in sorted(tables) if name not in KEPT_TABLES)
        connection.execute(text(f"TRUNCATE {emptied} RESTART IDENTITY CASCADE"))
        connection.execute(text("DELETE FROM content_version"))
        connection.execute(text("INSERT INTO content_version (id, version) VALUES (1, 0)"))
    engine.dispose()


def make_app(database_file: Database, **overrides: Any) -> Flask:
    """A test app on `database_file`, with `overrides` applied to the config."""
    return create_app({**base_test_config(database_file), **overrides})


def shutdown_app(app: Flask) -> None:
    """Stop the app's background sender and close its connections."""
    app.extensions["outbox_sender"].stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass
class ReceivedMail:
    """An SMTP envelope as the server saw it, and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    received_at: float = field(default_factory=time.monotonic)  # when the server accepted it


@dataclass
class SmtpRecorder:
    """What the loopback SMTP server received."""

    received: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd's hook: keep the message."""
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message)  # type: ignore[arg-type]
            )
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Wait until at least `count` messages have arrived; returns them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"expected {count} emails, got {len(self.received)}")

    def to(self, address: str) -> list[ReceivedMail]:
        """Messages whose envelope included `address`."""
        with self.lock:
            return [m for m in self.received if address in m.rcpt_tos]


class SmtpServer:
    """A real aiosmtpd server on loopback."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = SmtpRecorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        """Start listening."""
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (a test can do this to simulate a mail server going down)."""
        self.controller.stop()

    def mail_config(self) -> dict[str, Any]:
        """Config keys that point the app at this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}


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
