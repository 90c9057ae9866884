"""The client's pages: sign in, the overview with the plan, logging and the next morning."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from blueprints.me import bp
from blueprints.me.auth import (
    check_link,
    current_client,
    end_all_client_sessions,
    end_client_session,
    request_sign_in_link,
    sign_in_allowed,
    start_client_session,
    use_link,
)
from blueprints.me.history import recent_sessions, sessions_logged
from blueprints.me.logbook import (
    logged_today,
    morning_pending,
    read_log_form,
    read_morning_form,
    recent_days,
    store_session,
)
from blueprints.me.models import MORNING_ANSWERS, RED_FLAGS, Client, Plan, SessionLog
from blueprints.me.overview import bookings_of, name_given, signups_of
from blueprints.me.plans import plan_for, plan_steps
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request
from blueprints.shared.signing import InvalidLink
from blueprints.shared.validators import EmailAddress

LINK_SENT = (
    "If that address has a program signup or a booking with us, a sign-in link is on its way. "
    "It works once, for 30 minutes."
)
RECENT_SESSIONS = 5


def client_required(view):  # type: ignore[no-untyped-def]
    """Send a visitor who is not signed in to the sign-in form."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        client = current_client()
        if client is None:
            if is_htmx_request():
                response = make_response("", 401)
                response.headers["HX-Redirect"] = url_for("me.index")
                return response
            return redirect(url_for("me.index"))
        return view(client, *args, **kwargs)

    return wrapper


@bp.after_request
def _private(response: Response) -> Response:
    # A client's pages are theirs: never kept by a shared cache or the back button of a kiosk.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
def index() -> ResponseReturnValue:
    """The sign-in form, or the client's consultations, programs and plan."""
    client = current_client()
    if client is None:
        return render_template("me/sign_in.html", email="", error=None)
    plan = plan_for(client)
    recent = recent_sessions(client, RECENT_SESSIONS)
    today = logged_today(utcnow())
    bookings, signups = bookings_of(client), signups_of(client)
    return render_template(
        "me/index.html",
        client=client,
        name=name_given(signups, bookings),
        bookings=bookings,
        signups=signups,
        plan=plan,
        steps=plan_steps(plan, client) if plan else [],
        done=sessions_logged(client) if plan else 0,
        pending=morning_pending(client, today, recent[:1]),
        morning_answers=MORNING_ANSWERS,
        recent=recent,
        errors={},
    )


@bp.post("/sign-in")
def ask_for_link() -> ResponseReturnValue:
    """Email a sign-in link; the same answer whether or not the address is known."""
    form = SignInForm()
    if not form.validate():
        error = " ".join(form.email.errors)
        return render_template("me/sign_in.html", email=form.email.data or "", error=error), 422
    if not sign_in_allowed():
        error = "Too many sign-in requests. Please wait an hour and try again."
        return render_template("me/sign_in.html", email=form.email.data, error=error), 429
    request_sign_in_link(form.email.data)
    return render_template("me/sign_in.html", email=form.email.data, error=None, sent=LINK_SENT)


class SignInForm(FlaskForm):
    """The one field of the sign-in form (CSRF checked by the extension for every POST)."""

    class Meta:
        csrf = False

    email = StringField(
        "Email address",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Please enter your email address."), EmailAddress()],
    )


@bp.get("/sign-in/<token>")
def sign_in_link(token: str) -> ResponseReturnValue:
    """The emailed link: a button to sign in (a GET spends nothing, so link scanners cannot)."""
    try:
        check_link(token)
    except InvalidLink as invalid:
        return render_template("me/link_invalid.html", message=str(invalid)), 400
    return render_template("me/sign_in_confirm.html", token=token)


@bp.post("/sign-in/<token>")
def sign_in(token: str) -> ResponseReturnValue:
    """Spend the link and start a session."""
    try:
        client = use_link(token)
    except InvalidLink as invalid:
        return render_template("me/link_invalid.html", message=str(invalid)), 400
    start_client_session(client)
    return redirect(url_for("me.index"), code=303)


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    """Sign out on this browser."""
    end_client_session()
    flash("You are signed out.")
    return redirect(url_for("me.index"), code=303)


@bp.post("/sign-out-everywhere")
@client_required
def sign_out_everywhere(client: Client) -> ResponseReturnValue:
    """Sign out on every browser and device."""
    end_all_client_sessions(client)
    flash("You are signed out everywhere.")
    return redirect(url_for("me.index"), code=303)


@bp.route("/consent", methods=["GET", "POST"])
@client_required
def consent(client: Client) -> ResponseReturnValue:
    """Agree to health data (pain scores, red flags) being stored, before the first entry."""
    if request.method == "POST":
        if request.form.get("agree") != "yes":
            return render_template("me/consent.html", error="Please tick the box to agree."), 422
        client.consent_at = utcnow()
        db.session.commit()
        return redirect(url_for("me.log"), code=303)
    return render_template("me/consent.html", error=None)


def _own_plan(client: Client) -> Plan:
    plan = plan_for(client)
    if plan is None:
        abort(404)
    return plan


@bp.route("/log", methods=["GET", "POST"])
@client_required
def log(client: Client) -> ResponseReturnValue:
    """The session form: per drill sets, reps, load and pain; red flags; stored all or nothing."""
    if client.consent_at is None:
        return redirect(url_for("me.consent"))
    plan = _own_plan(client)
    if request.method == "POST" and request.form.get("plan_id") not in (None, str(plan.id)):
        return _log_page(client, plan, {"plan_id": "That is not your plan."}, 404)
    today = logged_today(utcnow())
    pending = morning_pending(client, today)
    if request.method == "GET":
        return _log_page(client, plan, {}, 200, pending=pending)
    if pending is not None:
        message = "Please first tell us how your back felt the morning after your last session."
        return _log_page(client, plan, {"form": message}, 409, pending=pending)
    steps = plan_steps(plan, client)
    checked, errors = read_log_form(request.form, steps, today)
    if checked is None:
        return _log_page(client, plan, errors, 422, values=request.form, steps=steps)
    record = store_session(client, plan.id, checked)
    if record.red_flags:
        return _log_page(client, plan, {}, 200, stopped=True, steps=[])
    flash("Session logged. The next steps below take it into account.")
    if is_htmx_request():
        return _log_page(client, plan, {}, 200, saved=True)
    return redirect(url_for("me.index"), code=303)


def _log_page(
    client: Client, plan: Plan, errors: dict[str, str], status: int, **extra: Any
) -> ResponseReturnValue:
    template = "me/_log.html" if is_htmx_request() else "me/log.html"
    today = logged_today(utcnow())
    steps = extra.pop("steps", None)
    if steps is None:
        steps = plan_steps(plan, client)
    context = {
        "client": client,
        "plan": plan,
        "steps": steps,
        "errors": errors,
        "values": extra.pop("values", None),
        "today": today,
        "days": recent_days(today),
        "red_flags": RED_FLAGS,
        "morning_answers": MORNING_ANSWERS,
        "pending": extra.pop("pending", None),
        **extra,
    }
    return render_template(template, **context), status


@bp.post("/morning/<int:session_id>")
@client_required
def morning(client: Client, session_id: int) -> ResponseReturnValue:
    """How the back felt the next morning, compared with before the session."""
    record = db.session.get(SessionLog, session_id)
    if record is None or record.client_id != client.id:
        abort(404)
    answer, errors = read_morning_form(request.form)
    if answer is None:
        template = "me/_morning.html" if is_htmx_request() else "me/morning.html"
        return render_template(
            template, pending=record, errors=errors, values=request.form,
            morning_answers=MORNING_ANSWERS,
        ), 422  # fmt: skip
    record.morning_pain, record.morning_compared = answer
    db.session.commit()
    if is_htmx_request():
        return render_template("me/_morning.html", pending=None, answered=True, errors={})
    flash("Thank you: noted how your back felt the next morning.")
    back_to = "me.log" if request.form.get("next") == "log" else "me.index"
    return redirect(url_for(back_to), code=303)
