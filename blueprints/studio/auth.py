"""Logging in and out, and the one guard that keeps every other studio route behind the login."""

from __future__ import annotations

from functools import cache

from flask import (
    Flask,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.shared import sessions
from blueprints.shared.extensions import db, login_manager
from blueprints.shared.htmx import is_htmx_request
from blueprints.shared.security import no_store_response
from blueprints.shared.validators import same_site_path as safe_next
from blueprints.studio import bp, devices, throttle
from blueprints.studio.forms import LoginForm, form_status
from blueprints.studio.models import User

OPEN_ENDPOINTS = frozenset({"studio.login"})
LOGIN_FAILED = "That email and password do not match a studio login."
TOO_MANY_ATTEMPTS = (
    "Too many failed logins from here. Please wait at least fifteen minutes and try again."
)
SESSION_KIND = "studio"


def init_login(app: Flask) -> None:
    """Flask-Login: where to send a visitor, and how to find the coach from the session."""
    login_manager.init_app(app)
    login_manager.login_view = "studio.login"
    login_manager.login_message = "Please log in to use the studio."
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    """Flask-Login's way back from the cookie to the user: only while the server session lives.

    A copied cookie stops working once that session is ended (logout, "sign out everywhere",
    a password change), because the cookie alone proves nothing.
    """
    if not user_id.isdigit() or sessions.current(SESSION_KIND) != int(user_id):
        return None
    return db.session.get(User, int(user_id))


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


@bp.after_request
def keep_out_of_caches(response: Response) -> Response:
    """Every studio page is private, the login form too: no cache may keep a copy."""
    return no_store_response(response)


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
    device = known_device_for(form.email.data)
    if throttle.login_refused(form.email.data, device):
        form.form_errors.append(TOO_MANY_ATTEMPTS)
        return render_template("studio/login.html", form=form), 429
    user = authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.login_failed(form.email.data, device)
        form.form_errors.append(LOGIN_FAILED)
        return render_template("studio/login.html", form=form), 422
    throttle.login_succeeded(form.email.data, device)
    target = safe_next(form.next.data) or url_for("studio.index")
    session.clear()  # nothing from before the login survives (session fixation)
    sessions.start(SESSION_KIND, user.id)
    login_user(user)
    response = redirect(target)
    devices.remember(response, user.id)
    return response


def known_device_for(email: str) -> str | None:
    """This browser's device key when its device cookie belongs to `email`'s login, else None."""
    owner_id = devices.device_user_id()
    if owner_id is None:
        return None
    owner = db.session.get(User, owner_id)
    if owner is None or owner.email.lower() != email.strip().lower():
        return None
    return devices.device_key()


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (a POST, so no link or prefetch can do it): the session ends on the server too."""
    sessions.end_current(SESSION_KIND)
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("studio.login"))


@bp.post("/sign-out-everywhere")
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of this login, in every browser (a lost laptop, a shared computer)."""
    ended = sessions.end_all(SESSION_KIND, current_user.id)
    devices.forget_all(current_user.id)  # no browser keeps its way past the login ceiling
    logout_user()
    session.clear()
    flash(f"Signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended).", "info")
    response = redirect(url_for("studio.login"))
    devices.forget_here(response)
    return response


def back_to(default: str) -> ResponseReturnValue:
    """Redirect to the local page the form came from (its `next` field), else to `default`."""
    return redirect(safe_next(request.form.get("next")) or default)
