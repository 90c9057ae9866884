"""Cross-origin protection (blueprints/shared/origin_check.py): another site's page cannot make a
visitor's browser post any of the anonymous forms; the site's own pages, curl and mail programs
can. Refused means 403, nothing stored, nothing mailed (a real SMTP server would receive it)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from blueprints.blog.models import Post
from blueprints.blog.queries import is_public
from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from blueprints.shared.mail_delivery import deliver_due
from blueprints.shared.seed import seed_demo_content
from harness import SmtpServer, make_app, shutdown_app
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach, csrf_token_from
from harness.contact import first_free_slot
from harness.forms import booking_data, enquiry_data
from harness.instants import clock_marks
from harness.newsletter import subscribe_data
from harness.programs import signup_form

SITE_URL = "https://strongspine.example"
CROSS_SITE = {"Origin": "https://other.example", "Sec-Fetch-Site": "cross-site"}
SAME_ORIGIN = {"Origin": SITE_URL, "Sec-Fetch-Site": "same-origin"}

pytestmark = clock_marks("tue-09:58")  # a booking needs a free slot: the coach's hours are ahead


@pytest.fixture
def site(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The demo site as deployed: CSRF on, its own origin SITE_URL, mail to a real SMTP server."""
    app = make_app(
        database_file, WTF_CSRF_ENABLED=True, SITE_URL=SITE_URL, **smtp_server.mail_config()
    )
    with app.app_context():
        seed_demo_content()
        db.session.remove()
    yield app
    shutdown_app(app)


def _article(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(select(Post.slug).where(is_public()).limit(1)).one()


def _program(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(select(Program.slug).where(Program.is_open.is_(True))).first()


def _comment(app: Flask) -> tuple[str, dict[str, str]]:
    data = {**enquiry_data(app), "body": "Does this help a stiff back in the morning?"}
    return f"/blog/{_article(app)}/comments", data


_READERS = itertools.count()

# Each anonymous form: (path, what its page posts), built for the site.
FORMS: dict[str, Callable[[Flask], tuple[str, dict[str, str]]]] = {
    "enquiry": lambda app: ("/contact/", enquiry_data(app)),
    "booking": lambda app: ("/contact/", booking_data(app, first_free_slot(app))),
    "comment": _comment,
    "program signup": lambda app: (f"/programs/{_program(app)}/signup", signup_form(app)),
    "newsletter": lambda app: (
        "/newsletter/subscribe",
        subscribe_data(app, f"reader{next(_READERS)}@example.org"),  # rate-limited by address
    ),
    "sign-in request": lambda app: ("/me/sign-in", {"email": f"anna{next(_READERS)}@example.org"}),
    "theme switch": lambda app: ("/theme", {"theme": "dark", "next": "/"}),
}


def _rows(app: Flask) -> dict[str, int]:
    """How many rows every table holds."""
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return counts


def _deliver(app: Flask) -> None:
    with app.app_context():
        while deliver_due().sent:
            pass
        db.session.remove()


@pytest.mark.parametrize(
    "headers",
    [CROSS_SITE, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://other.example"}],
    ids=["cross-site", "same-site", "foreign-origin-only"],
)
@pytest.mark.parametrize("form", FORMS)
def test_another_sites_post_is_refused_and_changes_nothing(
    site: Flask, smtp_server: SmtpServer, form: str, headers: dict[str, str]
) -> None:
    path, data = FORMS[form](site)
    before = _rows(site)
    client = site.test_client()
    response = client.post(path, data=data, headers=headers)
    assert response.status_code == 403
    assert response.mimetype == "text/plain"
    assert "sent from another website" in response.text
    assert "Set-Cookie" not in response.headers
    assert _rows(site) == before
    _deliver(site)
    assert smtp_server.recorder.received == []


@pytest.mark.parametrize("form", FORMS)
def test_the_sites_own_page_may_post_every_form(
    database_file: Path, smtp_server: SmtpServer, form: str
) -> None:
    # CSRF off here: what this test shows is that the origin check lets the site's own pages
    # through (the token is the studio's and /me/'s business, tested on its own).
    app = make_app(database_file, SITE_URL=SITE_URL, **smtp_server.mail_config())
    with app.app_context():
        seed_demo_content()
        db.session.remove()
    try:
        for headers in (SAME_ORIGIN, {"Origin": SITE_URL}, {"Sec-Fetch-Site": "none"}, {}):
            path, data = FORMS[form](app)  # afresh: a booked slot is taken
            response = app.test_client().post(path, data=data, headers=headers)
            assert response.status_code in (200, 303), (headers, response.text[:300])
    finally:
        shutdown_app(app)


def test_a_stored_enquiry_from_the_sites_own_page_is_mailed(
    database_file: Path, smtp_server: SmtpServer
) -> None:
    app = make_app(database_file, SITE_URL=SITE_URL, **smtp_server.mail_config())
    try:
        before = _rows(app)["enquiry"]
        response = app.test_client().post("/contact/", data=enquiry_data(app), headers=SAME_ORIGIN)
        assert response.status_code == 303
        assert _rows(app)["enquiry"] == before + 1
        _deliver(app)
        assert smtp_server.recorder.received  # the coach's notice and the visitor's reply
    finally:
        shutdown_app(app)


def test_a_studio_post_from_the_sites_own_page_still_needs_its_token(site: Flask) -> None:
    create_coach(site)
    client = site.test_client()
    token = csrf_token_from(client.get("/studio/login").text)
    login = {"email": COACH_EMAIL, "password": COACH_PASSWORD}
    assert client.post("/studio/login", data=login, headers=SAME_ORIGIN).status_code == 400
    logged_in = client.post(
        "/studio/login", data={**login, "csrf_token": token}, headers=SAME_ORIGIN
    )
    assert logged_in.status_code == 302
    refused = client.post(
        "/studio/availability/days-off", data={"day": "2099-01-01"}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 400
    assert "This form has expired" in refused.text
    # With its token but from another site: refused as cross-origin.
    page = client.get("/studio/availability").text
    foreign = client.post(
        "/studio/availability/days-off",
        data={"day": "2099-01-01", "csrf_token": csrf_token_from(page)},
        headers=CROSS_SITE,
    )
    assert foreign.status_code == 403


def test_safe_methods_are_never_refused(site: Flask) -> None:
    client = site.test_client()
    assert client.get("/", headers=CROSS_SITE).status_code == 200
    assert client.head("/drills/", headers=CROSS_SITE).status_code == 200


def test_the_sites_origin_comes_from_site_url_never_from_the_host_header(site: Flask) -> None:
    # An older browser (no Sec-Fetch-Site) on a page served under another Host: its Origin
    # matches that Host, but not SITE_URL, so it is refused.
    forged = {"Origin": "http://evil.example", "Host": "evil.example"}
    response = site.test_client().post("/theme", data={"theme": "dark"}, headers=forged)
    assert response.status_code == 403
