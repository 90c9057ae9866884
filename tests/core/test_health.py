"""`/healthz` for an uptime monitor, and the admin's email about an unhandled error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import update

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import queue_email
from harness import SmtpServer, make_app, shutdown_app

ADMIN = "admin@example.org"


@pytest.fixture
def site(database_file: Path, tmp_path: Path) -> Iterator[Flask]:
    """A site with its backups in a folder of its own."""
    app = make_app(
        database_file, BACKUP_FOLDER=str(tmp_path / "backups"), UPLOAD_FOLDER=str(tmp_path / "u")
    )
    yield app
    shutdown_app(app)


def _back_up(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["backup"]).exit_code == 0


def test_healthz_is_200_with_each_figure_when_all_is_well(site: Flask) -> None:
    _back_up(site)
    response = site.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["mail"]["oldest_unsent_seconds"] is None
    assert body["checks"]["backup"]["ok"] is True
    assert 0 <= body["checks"]["backup"]["age_seconds"] < 120
    assert "backups" not in response.get_data(as_text=True)  # no paths


def test_healthz_is_503_without_a_backup(site: Flask) -> None:
    response = site.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing"
    assert body["checks"]["backup"] == {
        "ok": False,
        "age_seconds": None,
        "limit_seconds": 26 * 3600,
    }


def test_healthz_is_503_once_the_last_backup_is_too_old(site: Flask) -> None:
    _back_up(site)
    with time_machine.travel(utcnow() + timedelta(hours=27), tick=False):
        response = site.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["backup"]["ok"] is False


def test_healthz_is_503_when_an_email_has_waited_too_long(site: Flask) -> None:
    _back_up(site)
    with site.app_context():
        queue_email(
            "test",
            "someone@example.org",
            "Hello",
            "error_alert",
            error_kind="k",
            request_line="GET /",
            trace="",
        )
        db.session.commit()
        db.session.execute(
            update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=31))
        )
        db.session.commit()
        db.session.remove()
    response = site.test_client().get("/healthz")
    assert response.status_code == 503
    mail = response.get_json()["checks"]["mail"]
    assert mail["ok"] is False
    assert 31 * 60 <= mail["oldest_unsent_seconds"] < 33 * 60


def test_healthz_needs_no_login_and_is_not_cached_by_the_site(site: Flask) -> None:
    _back_up(site)
    client = site.test_client()
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert first.status_code == second.status_code == 200
    assert "Set-Cookie" not in first.headers


@pytest.fixture
def failing_site(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    """A site with two routes that fail, registered only here; its errors become 500 pages."""
    app = make_app(
        database_file, ADMIN_EMAIL=ADMIN, PROPAGATE_EXCEPTIONS=False, **smtp_server.mail_config()
    )

    def explode() -> str:
        raise RuntimeError("the drill library's cache is upside down")

    def explode_too() -> str:
        raise KeyError("level")

    app.add_url_rule("/test-explode", "explode", explode, methods=["GET", "POST"])
    app.add_url_rule("/test-explode-too", "explode_too", explode_too)
    yield app
    shutdown_app(app)


def test_an_unhandled_error_emails_the_admin_once_per_kind_per_hour(
    failing_site: Flask, smtp_server: SmtpServer
) -> None:
    client = failing_site.test_client()
    client.set_cookie("session", "cookie-value-never-mailed")
    for _ in range(2):
        response = client.post("/test-explode?page=2", data={"email": "private@example.org"})
        assert response.status_code == 500
        assert "Nothing you sent was lost" in response.get_data(as_text=True)
    assert failing_site.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0

    received = smtp_server.recorder.wait_for(1)
    assert len(received) == 1
    alert = received[0]
    assert alert.rcpt_tos == [ADMIN]
    body = alert.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "POST /test-explode?page=2 HTTP/1.1" in body
    assert "Traceback (most recent call last)" in body
    assert "RuntimeError: the drill library's cache is upside down" in body
    assert "private@example.org" not in alert.message.as_string()
    assert "cookie-value-never-mailed" not in alert.message.as_string()

    # another kind of error is its own email; the first kind again within the hour is not
    assert client.get("/test-explode-too").status_code == 500
    assert client.get("/test-explode").status_code == 500
    failing_site.test_cli_runner().invoke(args=["send-mail"])
    received = smtp_server.recorder.wait_for(2)
    assert len(received) == 2
    assert "KeyError" in received[1].message["Subject"]

    # an hour later the first kind is mailed again
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=1), tick=False):
        assert client.get("/test-explode").status_code == 500
        failing_site.test_cli_runner().invoke(args=["send-mail"])
    assert len(smtp_server.recorder.wait_for(3)) == 3
