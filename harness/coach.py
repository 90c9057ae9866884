"""The coach's studio login, for tests and benchmarks that work as the coach.

scrypt is slow on purpose (about 0.15 s to hash or check on this machine, twice that under the
suite's load), and hundreds of tests need a coach: `create_coach` stores the hash made once per
process for a password, and `coach_client` opens the studio session the way the login view does
once it has checked the password. Logging in through the form itself is what
tests/studio/test_studio_auth.py and tests/core/test_security_login.py test (with `log_in`).
"""

from __future__ import annotations

import re
from functools import cache

from flask import Flask, session
from flask.testing import FlaskClient
from flask_login import login_user

from blueprints.shared import sessions
from blueprints.shared.extensions import db
from blueprints.studio.auth import SESSION_KIND
from blueprints.studio.models import User

COACH_EMAIL = "maya@example.com"
COACH_PASSWORD = "correct horse battery staple"


def create_coach(app: Flask, email: str = COACH_EMAIL, password: str = COACH_PASSWORD) -> int:
    """A studio login in the database; returns its id."""
    with app.app_context():
        user = User(email=email, password_hash=_scrypt_hash(password))
        db.session.add(user)
        db.session.commit()
        return user.id


def log_in(client: FlaskClient, email: str = COACH_EMAIL, password: str = COACH_PASSWORD):  # type: ignore[no-untyped-def]
    """Post the login form; returns the response."""
    return client.post("/studio/login", data={"email": email, "password": password})


@cache
def _scrypt_hash(password: str) -> str:
    """The hash `User.set_password` stores, made once per process for each password."""
    user = User()
    user.set_password(password)
    return user.password_hash


def coach_client(app: Flask) -> FlaskClient:
    """A client logged in as the coach: a new coach, and the session the login view opens."""
    coach_id = create_coach(app)
    with app.test_request_context():
        sessions.start(SESSION_KIND, coach_id)
        login_user(db.session.get(User, coach_id))
        opened = dict(session)
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session.update(opened)
    return client


def csrf_token_from(html: str) -> str:
    """The CSRF token a rendered page carries."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "the page has no CSRF token"
    return match.group(1)
