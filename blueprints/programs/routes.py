"""Programs: the list, one program with its signup form, and the cancel link."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect, render_template, session, url_for
from sqlalchemy import select

from blueprints.drills.embeds import expand_drill_embeds
from blueprints.programs import bp
from blueprints.programs.forms import SignupForm
from blueprints.programs.models import Program, Signup
from blueprints.programs.signups import (
    SignupConflict,
    SignupDetails,
    SignupOutcome,
    cancel_signup,
    confirmed_counts,
    places_left,
    sign_up,
    signup_from_cancel_token,
)
from blueprints.shared.extensions import csrf, db
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.http_cache import public_page
from blueprints.shared.ratelimit import allow
from blueprints.shared.security import no_store
from blueprints.shared.signing import InvalidLink

RATE_LIMIT_WINDOW_SECONDS = 3600
RESULT_KEY = "program_signup_result"


@bp.get("/")
@public_page
def index() -> str:
    """Every program, open ones first, with the places left."""
    programs = db.session.scalars(
        select(Program).order_by(Program.is_open.desc(), Program.id)
    ).all()
    taken = confirmed_counts()
    places = {program.id: places_left(program, taken.get(program.id, 0)) for program in programs}
    return render_template("programs/index.html", programs=programs, places=places)


@bp.get("/<slug>")
@public_page
def detail(slug: str) -> Response:
    """One program: what it is, the weeks, the facts, and the signup form."""
    program = _program_or_404(slug)
    result = session.pop(RESULT_KEY, None)
    if result and result.get("program_id") != program.id:
        result = None
    if result and result.get("signup_id"):
        signup = db.session.get(Signup, result["signup_id"])
        result["email"] = signup.email if signup else ""
    form = SignupForm(formdata=None)
    form.prime_spam_guard()
    return _signup_answer(program, form, result=result)


@bp.post("/<slug>/signup")
@csrf.exempt  # a public page's form: origin_check guards it
def signup(slug: str) -> Response:
    """Validate, screen for spam and floods, then take a place or a waitlist position."""
    program = _program_or_404(slug)
    form = SignupForm()
    if not program.is_open:
        return _signup_answer(program, form, status=409)
    if not form.validate_on_submit():
        return _signup_answer(program, form, status=422)
    if form.looks_like_spam():
        return _after_signup(program, {"kind": "received"})  # looks normal, stores nothing
    limit = current_app.config["PROGRAM_SIGNUP_RATE_LIMIT"]
    if not allow("program-signup", limit, RATE_LIMIT_WINDOW_SECONDS):
        message = "Too many signups from your connection in the last hour. Please try later."
        return _signup_answer(program, form, status=429, form_error=message)
    try:
        outcome = sign_up(program.id, _details(form))
    except SignupConflict:
        message = "Your signup could not be saved just now. Please send the form again."
        return _signup_answer(program, form, status=409, form_error=message)
    return _answer_outcome(program, form, outcome)


@bp.get("/cancel/<token>")
@no_store
def cancel(token: str) -> Response | str:
    """Ask the person to confirm; a GET (a mail scanner, a preview) never cancels anything."""
    signup, problem = _signup_for_link(token)
    if problem is not None:
        return problem
    return render_template("programs/cancel.html", signup=signup, program=signup.program)


@bp.post("/cancel/<token>")
@no_store
def cancel_confirmed(token: str) -> Response:
    """Cancel, promote the next person waiting, then show the cancelled state."""
    signup, problem = _signup_for_link(token)
    if problem is not None:
        return problem
    cancel_signup(signup)
    return redirect(url_for("programs.cancel", token=token), code=303)


def _program_or_404(slug: str) -> Program:
    return db.first_or_404(select(Program).where(Program.slug == slug))


def _details(form: SignupForm) -> SignupDetails:
    return SignupDetails(
        name=form.name.data,
        email=form.email.data,
        phone=(form.phone.data or "").strip(),
        goals=form.goals.data.strip(),
        history=form.history.data.strip(),
    )


def _answer_outcome(program: Program, form: SignupForm, outcome: SignupOutcome) -> Response:
    signup = outcome.signup
    if outcome.kind == "closed":
        return _signup_answer(program, form, status=409)
    result = {
        "program_id": program.id,
        "kind": outcome.kind,
        "email": signup.email if signup else "",
        "position": signup.waitlist_position if signup else None,
        "signup_id": signup.id if signup else None,
    }
    if outcome.kind == "already_signed_up":
        # The same answer anyone gets whose signup is being looked at: whether an address is
        # enrolled (and where on the waitlist) goes by email to that address only.
        return _after_signup(program, {"kind": "received"})
    return _after_signup(program, result)


def _after_signup(program: Program, result: dict[str, Any]) -> Response:
    """htmx gets the message in place of the form; a plain POST is redirected (PRG)."""
    result["program_id"] = program.id
    if is_htmx_request():
        return _signup_answer(program, SignupForm(formdata=None), result=result)
    # The session cookie is signed, not encrypted: it carries the signup's id, not the address.
    session[RESULT_KEY] = {key: value for key, value in result.items() if key != "email"}
    return redirect(url_for("programs.detail", slug=program.slug, _anchor="signup"), code=303)


def _signup_answer(
    program: Program,
    form: SignupForm,
    *,
    status: int = 200,
    result: dict[str, Any] | None = None,
    form_error: str | None = None,
) -> Response:
    """The signup region for htmx (with the places count updated out of band), else the page."""
    htmx = is_htmx_request()
    context: dict[str, Any] = {
        "program": program,
        "form": form,
        "result": result,
        "form_error": form_error,
        "places": places_left(program),
        "oob": htmx,
    }
    if not htmx:
        context["body"] = expand_drill_embeds(program.body_html)
    return render_page_or_partial(
        "programs/detail.html", "programs/_signup.html", status, **context
    )


def _signup_for_link(token: str) -> tuple[Signup, None] | tuple[None, Response]:
    try:
        signup = signup_from_cancel_token(token)
    except InvalidLink as error:
        page = render_template("programs/cancel.html", link_error=str(error), signup=None)
        return None, current_app.make_response((page, 400))
    if signup is None:
        message = "This signup no longer exists, so there is nothing to cancel."
        page = render_template("programs/cancel.html", link_error=message, signup=None)
        return None, current_app.make_response((page, 404))
    return signup, None
