"""Logging in and out, and the one guard that keeps every other studio route behind the login."""

from __future__ import annotations

import hashlib
from functools import cache

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.shared.extensions import db, login_manager
from blueprints.shared.htmx import is_htmx_request
from blueprints.shared.ratelimit import allow
from blueprints.shared.validators import same_site_path as safe_next
from blueprints.studio import bp
from blueprints.studio.forms import LoginForm, form_status
from blueprints.studio.models import User

login_manager.login_view = "studio.login"
login_manager.login_message = "Please log in to use the studio."

OPEN_ENDPOINTS = frozenset({"studio.login"})
LOGIN_FAILED = "That email and password do not match a studio login."
TOO_MANY_ATTEMPTS = "Too many login attempts. Please wait fifteen minutes and try again."
ATTEMPTS_PER_ADDRESS = 20
ATTEMPTS_PER_EMAIL = 8
ATTEMPT_WINDOW_SECONDS = 15 * 60


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's way back from the session to the user."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    """Every studio route except the login form needs a logged-in coach (so none is forgotten)."""
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    if is_htmx_request():
        # A fragment must not land inside the page: send the whole tab to the login form.
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("studio.login")
        return response
    return login_manager.unauthorized()


@cache
def _hash_for_unknown_users() -> str:
    return generate_password_hash("no such user, same cost", method="scrypt")


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, taking the same time whether or not they exist."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        check_password_hash(_hash_for_unknown_users(), password)
        return None
    return user if user.check_password(password) else None


def _attempt_allowed(email: str) -> bool:
    email_key = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
    return allow("studio-login", ATTEMPTS_PER_ADDRESS, ATTEMPT_WINDOW_SECONDS) and allow(
        "studio-login-email", ATTEMPTS_PER_EMAIL, ATTEMPT_WINDOW_SECONDS, email_key
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; on success a brand-new session and on to where the coach was going."""
    if current_user.is_authenticated:
        return redirect(url_for("studio.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if not form.validate_on_submit():
        return render_template("studio/login.html", form=form), form_status(form)
    if not _attempt_allowed(form.email.data):
        form.form_errors.append(TOO_MANY_ATTEMPTS)
        return render_template("studio/login.html", form=form), 429
    user = authenticate(form.email.data, form.password.data)
    if user is None:
        form.form_errors.append(LOGIN_FAILED)
        return render_template("studio/login.html", form=form), 422
    target = safe_next(form.next.data) or url_for("studio.index")
    session.clear()  # nothing from before the login survives (session fixation)
    login_user(user)
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (a POST, so no link or prefetch can do it) and forget the session."""
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("studio.login"))


def back_to(default: str) -> ResponseReturnValue:
    """Redirect to the local page the form came from (its `next` field), else to `default`."""
    return redirect(safe_next(request.form.get("next")) or default)
