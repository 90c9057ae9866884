"""Trusted proxies: X-Forwarded-* counts only when PROXY_FIX_X_* says a proxy sets it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from harness import make_app, shutdown_app


def with_whoami(app: Flask) -> Flask:
    """Add a page that says which address the app sees (before any request is served)."""
    app.add_url_rule("/test-whoami", "test_whoami", lambda: request.remote_addr or "")
    return app


def test_without_a_proxy_setting_forwarded_headers_are_ignored(database_file: Path) -> None:
    app = with_whoami(make_app(database_file))
    try:
        forged = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}
        client = app.test_client()
        response = client.get("/robots.txt", headers=forged)
        assert client.get("/test-whoami", headers=forged).text == "127.0.0.1"
        assert "Strict-Transport-Security" not in response.headers
    finally:
        shutdown_app(app)


def test_behind_one_proxy_the_visitor_and_https_come_from_its_headers(
    database_file: Path,
) -> None:
    app = with_whoami(make_app(database_file, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1))
    try:
        client = app.test_client()
        response = client.get(
            "/robots.txt",
            headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"},
        )
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        seen = [
            client.get("/test-whoami", headers={"X-Forwarded-For": f"{spoofed}, {real}"}).text
            for spoofed, real in (("1.1.1.1", "203.0.113.5"), ("2.2.2.2", "203.0.113.5"))
        ]
        # Only the address the one proxy added counts, not what the client put before it.
        assert seen == ["203.0.113.5", "203.0.113.5"]
    finally:
        shutdown_app(app)
