"""Public pages are the same bytes for every visitor and say so to the web's caches
(blueprints/shared/http_cache.py); anything personal says no cache may keep it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.blog.queries import is_public
from blueprints.contact.models import Enquiry
from blueprints.drills.models import Drill
from blueprints.newsletter.models import Subscriber
from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import make_app, shutdown_app, stored
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach, csrf_token_from

# A moment in the coach's hours; the public forms' render time has a 10-second grain, so two
# visitors get the same bytes within it (the test holds the clock still: same instant).
INSTANT = datetime.fromisoformat("2026-12-01T09:58:00+00:00")


@pytest.fixture
def site(database_file: Path) -> Iterator[Flask]:
    """The demo site as deployed: CSRF on."""
    with time_machine.travel(INSTANT, tick=False):
        app = make_app(database_file, WTF_CSRF_ENABLED=True, SPAM_MIN_SECONDS=0.0)
        with app.app_context():
            seed_demo_content()
            db.session.remove()
        yield app
        shutdown_app(app)


def public_paths(app: Flask) -> list[str]:
    """Every kind of public page: lists, tags, pages, partials' pages, feed, sitemap, search."""
    with app.app_context():
        article = db.session.scalars(select(Post).where(is_public()).limit(1)).one()
        tag = article.tags[0].name if article.tags else None
        drill = db.session.scalars(select(Drill.slug).limit(1)).one()
        program = db.session.scalars(select(Program.slug).limit(1)).one()
        paths = [
            "/",
            "/blog/",
            f"/blog/{article.slug}",
            "/blog/search?q=back",
            "/drills/",
            "/drills/?direction=rotation",
            f"/drills/{drill}",
            "/programs/",
            f"/programs/{program}",
            "/search?q=back",
            "/feed.xml",
            "/sitemap.xml",
            "/privacy",
            "/contact/",
            "/contact/?topic=consultation",
        ]
        if tag:
            paths.append(f"/blog/tag/{tag}")
        db.session.remove()
    return paths


def test_two_fresh_visitors_get_the_same_bytes_a_shared_cache_may_keep(site: Flask) -> None:
    for path in public_paths(site):
        first, second = site.test_client().get(path), site.test_client().get(path)
        assert first.status_code == 200, path
        assert first.data == second.data, path
        assert "Set-Cookie" not in first.headers, path
        assert "csrf_token" not in first.text, path
        cache_control = first.headers["Cache-Control"]
        assert "public" in cache_control and "max-age=5" in cache_control, path
        # A page that shows booking times to a visitor without the hours cookie reads their
        # clock from Accept-Language (blueprints/shared/hours.py); nginx keys it on the first tag.
        clock = {"Accept-Language"} if path.startswith("/contact/") else set()
        assert {v.strip() for v in first.headers["Vary"].split(",")} <= {
            "Cookie",
            "Accept-Encoding",
            "HX-Request",
            *clock,
        }, path
        assert first.headers["ETag"] == second.headers["ETag"], path


def test_a_repeat_with_its_etag_gets_304_and_no_body(site: Flask) -> None:
    for path in public_paths(site):
        client = site.test_client()
        etag = client.get(path).headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.data == b"", path
        assert again.headers["ETag"] == etag
        assert "Content-Security-Policy" in again.headers  # security headers on every answer


def test_htmx_partials_are_public_and_vary_on_hx_request(site: Flask) -> None:
    htmx = {"HX-Request": "true"}
    for path in ("/drills/?direction=rotation", "/search?q=back"):
        page = site.test_client().get(path)
        partial = site.test_client().get(path, headers=htmx)
        assert partial.status_code == 200
        assert len(partial.data) < len(page.data)
        assert "<html" not in partial.text
        assert "HX-Request" in partial.headers["Vary"] and "HX-Request" in page.headers["Vary"]
        assert "public" in partial.headers["Cache-Control"]
        assert partial.headers["ETag"] != page.headers["ETag"]
        etag = partial.headers["ETag"]
        assert (
            site.test_client().get(path, headers={**htmx, "If-None-Match": etag}).status_code == 304
        )


def test_each_theme_is_its_own_copy(site: Flask) -> None:
    system = site.test_client().get("/blog/")
    dark_visitor = site.test_client()
    dark_visitor.set_cookie("theme", "dark")
    dark = dark_visitor.get("/blog/")
    assert 'data-theme="system"' in system.text and 'data-theme="dark"' in dark.text
    assert system.headers["ETag"] != dark.headers["ETag"]
    assert "Cookie" in dark.headers["Vary"]
    assert "public" in dark.headers["Cache-Control"]  # a theme is not a person


def test_a_signed_in_coach_is_never_served_or_stored_by_a_shared_cache(site: Flask) -> None:
    create_coach(site)
    coach = site.test_client()
    token = csrf_token_from(coach.get("/studio/login").text)
    login = {"email": COACH_EMAIL, "password": COACH_PASSWORD, "csrf_token": token}
    assert coach.post("/studio/login", data=login).status_code == 302
    for path in ["/", "/blog/", "/drills/", "/contact/", "/studio/"]:
        response = coach.get(path)
        assert response.status_code == 200, path
        cache_control = response.headers["Cache-Control"]
        assert "no-store" in cache_control and "public" not in cache_control, path
        assert "ETag" not in response.headers, path


def test_a_response_that_sets_a_cookie_is_private(site: Flask) -> None:
    client = site.test_client()
    switched = client.post("/theme", data={"theme": "dark", "next": "/"})
    assert switched.status_code == 303 and "Set-Cookie" in switched.headers
    assert switched.headers["Cache-Control"] == "private, no-store"
    zone = site.test_client().get("/contact/?topic=consultation&tz=Europe/Paris")
    assert "tz=Europe/Paris" in zone.headers["Set-Cookie"]
    assert zone.headers["Cache-Control"] == "private, no-store"


def test_a_message_waiting_in_the_session_is_shown_privately(site: Flask) -> None:
    client = site.test_client()
    with site.app_context():
        program = db.session.scalars(select(Program).where(Program.is_open.is_(True))).first()
        slug = program.slug
    page = client.get(f"/programs/{slug}").text
    form = _form_fields(page, "signup-form")
    form.update(
        {
            "name": "Ann Example",
            "email": "ann@example.com",
            "goals": "Carry my shopping without a sore back.",
            "history": "Low back ache for three years.",
            "consent": "y",
        }
    )
    assert client.post(f"/programs/{slug}/signup", data=form).status_code == 303
    outcome = client.get(f"/programs/{slug}")  # the outcome, once, from the session
    assert outcome.headers["Cache-Control"] == "private, no-store"
    assert len(stored(site, Signup)) == 1


def _form_fields(html: str, form_id: str) -> dict[str, str]:
    """The hidden and prefilled inputs of the form `form_id` as the page renders them."""
    form = re.search(rf'<form [^>]*id="{form_id}".*?</form>', html, re.S)
    assert form, form_id
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag and 'type="radio"' not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


@pytest.mark.parametrize(
    ("page", "form_id", "filled", "model"),
    [
        (
            "/contact/",
            "contact-form",
            {
                "name": "Ann",
                "email": "ann@example.org",
                "topic": "program",
                "message": "Is the course right after a disc bulge?",
            },
            Enquiry,
        ),
        ("/newsletter/", "newsletter-form", {"newsletter-email": "ann@example.org"}, Subscriber),
    ],
    ids=["enquiry", "newsletter"],
)
def test_a_public_form_posted_as_its_page_renders_it_works_without_a_token(
    site: Flask, page: str, form_id: str, filled: dict[str, str], model: type
) -> None:
    client = site.test_client()
    data = {**_form_fields(client.get(page).text, form_id), **filled}
    assert "csrf_token" not in data
    response = client.post(
        page if form_id == "contact-form" else "/newsletter/subscribe", data=data
    )
    assert response.status_code == 303
    assert len(stored(site, model)) == 1


def test_a_public_page_never_sets_a_session(site: Flask) -> None:
    client: FlaskClient = site.test_client()
    for path in public_paths(site):
        client.get(path)
        assert client.get_cookie("session") is None, path
