"""The factory, configuration and the pages every visitor meets first."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from blueprints.shared.config import DEFAULT_SECRET_KEY
from harness import Database, database_uri, make_app, shutdown_app


def test_test_config_is_applied(database_file: Database) -> None:
    app = make_app(database_file, SITE_NAME="Back in Balance")
    try:
        assert app.testing
        assert app.config["SQLALCHEMY_DATABASE_URI"] == database_uri(database_file)
        assert b"Back in Balance" in app.test_client().get("/").data
    finally:
        shutdown_app(app)


def test_environment_configures_the_site(
    monkeypatch: pytest.MonkeyPatch, database_file: Database
) -> None:
    monkeypatch.setenv("COACH_NAME", "Ana Ortiz")
    monkeypatch.setenv("COACH_TIMEZONE", "America/Chicago")
    monkeypatch.setenv("DATABASE_URL", database_uri(database_file))
    app = create_app({"TESTING": True})
    try:
        assert app.config["COACH_TIMEZONE"] == "America/Chicago"
        assert app.config["SQLALCHEMY_DATABASE_URI"] == database_uri(database_file)
        assert b"Ana Ortiz" in app.test_client().get("/").data
    finally:
        shutdown_app(app)


def test_refuses_to_start_in_production_with_the_default_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"TESTING": False, "DEBUG": False})


def test_starts_in_production_with_a_real_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-from-the-deployer")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("SITE_URL", "https://strongspine.example")
    monkeypatch.setenv("COACH_EMAIL", "maya@strongspine.example")
    app = create_app({"TESTING": False})
    try:
        assert app.config["SECRET_KEY"] != DEFAULT_SECRET_KEY
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    finally:
        shutdown_app(app)


def test_home_names_the_coach_and_links_every_section(seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Maya Lindqvist" in html
    for path in ("/blog/", "/drills/", "/programs/", "/contact/"):
        assert f'href="{path}"' in html
    # the four direction tiles, each with its own count of seeded drills
    for direction in ("extension", "flexion", "side_flexion", "rotation"):
        assert f"/drills/?direction={direction}" in html
    assert html.count("4 drills") == 4


def test_unknown_url_gets_the_styled_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'aria-label="Main"' in html  # the site's own layout, not Werkzeug's page


def test_server_error_page_is_styled_and_rolls_back(database_file: Path) -> None:
    app = make_app(database_file, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    try:
        response = app.test_client().get("/boom")
        assert response.status_code == 500
        assert "Something went wrong" in response.get_data(as_text=True)
        assert "kaboom" not in response.get_data(as_text=True)
    finally:
        shutdown_app(app)


def test_static_files_are_versioned_and_cached_for_a_year(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "/static/css/site.css?v=" in html
    url = html.split('href="/static/css/site.css?v=')[1].split('"')[0]
    with client.get(f"/static/css/site.css?v={url}") as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
    with client.get("/static/css/site.css") as unversioned:
        assert unversioned.cache_control.max_age != 365 * 24 * 3600


def test_favicon_and_robots(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as favicon:
        assert favicon.mimetype == "image/svg+xml"
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert "Disallow: /studio/" in robots.get_data(as_text=True)


def test_vendored_htmx_matches_its_pinned_hash() -> None:
    import hashlib
    import re

    root = Path(__file__).resolve().parents[2]
    script = (root / "static/js/vendor-htmx.sh").read_text()
    pinned = re.search(r'SHA256="([0-9a-f]{64})"', script)
    assert pinned is not None
    actual = hashlib.sha256((root / "static/js/htmx.min.js").read_bytes()).hexdigest()
    assert actual == pinned.group(1)
    assert "BSD" in (root / "static/js/htmx.LICENSE").read_text()
