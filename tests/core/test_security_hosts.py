"""A forged Host header reaches no link: pages, feeds and emails are built on SITE_URL only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from blueprints.shared.config import DEV_SITE_URL
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer, make_app, shutdown_app
from harness.blog import add_post

SITE = "https://strongspine.example"
ATTACKER = "http://attacker.example"


@pytest.fixture(params=[SITE, ""], ids=["site-url", "laptop-without-site-url"])
def site(request: pytest.FixtureRequest, database_file: Any) -> Any:
    """A site with SITE_URL set or not; the test config trusts any host, as a laptop does."""
    app = make_app(database_file, SITE_URL=request.param)
    with app.app_context():
        add_post("first-steps", title="First steps after a flare-up")
    yield app
    shutdown_app(app)


@pytest.mark.parametrize("path", ["/blog/first-steps", "/feed.xml", "/sitemap.xml", "/robots.txt"])
def test_a_forged_host_never_reaches_a_page_or_what_others_are_served(
    site: Flask, path: str
) -> None:
    origin = site.config["SITE_URL"]
    assert origin in (SITE, DEV_SITE_URL)
    forged = site.test_client().get(path, base_url=ATTACKER)
    honest = site.test_client().get(path)  # the next visitor, possibly from the page cache
    for response in (forged, honest):
        body = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "attacker.example" not in body
        assert origin + "/" in body
    if path.startswith("/blog/"):
        canonical = f'<link rel="canonical" href="{origin}/blog/first-steps">'
        assert canonical in honest.get_data(as_text=True)


def test_a_comment_posted_with_a_forged_host_emails_links_on_site_url(
    database_file: Any, smtp_server: SmtpServer
) -> None:
    from harness.blog import comment_form

    app = make_app(database_file, SITE_URL=SITE, **smtp_server.mail_config())
    try:
        with app.app_context():
            add_post("first-steps", title="First steps after a flare-up")
        client = app.test_client()
        data = comment_form(client)
        response = client.post("/blog/first-steps/comments", data=data, base_url=ATTACKER)
        assert response.status_code in (200, 302, 303)
        with app.app_context():
            assert deliver_due().sent == 1
    finally:
        shutdown_app(app)
    [mail] = smtp_server.recorder.wait_for(1)
    text = mail.message.get_body(("plain",)).get_content()
    assert f"{SITE}/blog/first-steps" in text and f"{SITE}/studio/" in text
    assert "attacker.example" not in mail.message.as_string()


def _production_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **settings: str) -> None:
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-from-the-deployer")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'site.sqlite'}")
    monkeypatch.setenv("COACH_EMAIL", "maya@strongspine.example")
    for name in ("SITE_URL", "TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


def test_production_refuses_to_start_without_site_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _production_env(monkeypatch, tmp_path)
    with pytest.raises(RuntimeError, match="SITE_URL"):
        make_production_app()


def test_production_answers_only_site_urls_host_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _production_env(monkeypatch, tmp_path, SITE_URL=SITE)
    app = make_production_app()
    try:
        assert app.config["TRUSTED_HOSTS"] == ["strongspine.example"]
        client = app.test_client()
        assert client.get("/robots.txt", base_url=ATTACKER).status_code == 400
        assert client.get("/robots.txt", base_url=SITE).status_code == 200
    finally:
        shutdown_app(app)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("COACH_EMAIL", "coach@studio.test"),
        ("MAIL_DEFAULT_SENDER", "studio@localhost"),
        ("COACH_TIMEZONE", "Europe/Atlantis"),
        ("COACH_HOURS", "12h"),
    ],
)
def test_production_refuses_a_setting_that_would_fail_every_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, setting: str, value: str
) -> None:
    _production_env(monkeypatch, tmp_path, SITE_URL=SITE, **{setting: value})
    with pytest.raises(RuntimeError, match=setting):
        make_production_app()


def make_production_app() -> Flask:
    """The app as gunicorn builds it: no test config, environment only."""
    from app import create_app

    return create_app({"TESTING": False, "DEBUG": False})
