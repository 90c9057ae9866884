"""Public pages: the subscribe form's answer, the confirmation link, one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from blueprints.newsletter import bp, subscriptions
from blueprints.newsletter.forms import SubscribeForm, subscribe_form
from blueprints.newsletter.subscriptions import (
    CONFIRM_DAYS,
    CONFIRM_PURPOSE,
    UNSUBSCRIBE_PURPOSE,
    request_subscription,
    subscribe_allowed,
    subscriber_from_link,
)
from blueprints.shared.extensions import csrf
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.signing import InvalidLink

CHECK_INBOX = (
    "Thank you! If this address is not subscribed yet, an email with a confirmation link is on "
    "its way. Nothing is sent until you click it."
)
RATE_LIMITED = "Too many requests from here in a short time. Please try again in an hour."


@bp.get("/")
def index() -> str:
    """The subscribe form on a page of its own (also where a no-JS answer with errors lands)."""
    return render_template("newsletter/index.html", newsletter_form=subscribe_form(fresh=True))


@bp.post("/subscribe")
@csrf.exempt  # on every public page: origin_check guards it
def subscribe() -> ResponseReturnValue:
    """Store the address as pending and send the confirmation; the same answer for everyone."""
    form = subscribe_form()
    if not form.validate():
        return _form_response(form, 422)
    if not form.looks_like_spam():
        if not subscribe_allowed(form.email.data):
            return _form_response(form, 429, form_error=RATE_LIMITED)
        request_subscription(form.email.data)
    if not is_htmx_request():
        return redirect(url_for("newsletter.check_inbox"), 303)
    return _form_response(subscribe_form(fresh=True), 200, received=CHECK_INBOX)


@bp.get("/check-your-inbox")
def check_inbox() -> str:
    """Where a subscribe without JavaScript ends up."""
    return render_template("newsletter/check_inbox.html", message=CHECK_INBOX)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """GET shows one button (mail scanners open links too); POST confirms."""
    try:
        if request.method == "GET":
            subscriber = subscriber_from_link(CONFIRM_PURPOSE, token)
            return render_template("newsletter/confirm.html", subscriber=subscriber, done=False)
        subscriber = subscriptions.confirm(token)
    except InvalidLink as error:
        return _invalid_link(str(error))
    return render_template("newsletter/confirm.html", subscriber=subscriber, done=True)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str) -> ResponseReturnValue:
    """One button that unsubscribes (a GET changes nothing: link checkers follow links)."""
    try:
        subscriber = subscriber_from_link(UNSUBSCRIBE_PURPOSE, token)
    except InvalidLink as error:
        return _invalid_link(str(error))
    return render_template("newsletter/unsubscribe.html", subscriber=subscriber, done=False)


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    """RFC 8058 one-click: the signed token is the authority; no login, no CSRF, no question."""
    try:
        subscriber = subscriptions.unsubscribe(token)
    except InvalidLink as error:
        return _invalid_link(str(error))
    return render_template("newsletter/unsubscribe.html", subscriber=subscriber, done=True)


def _form_response(form: SubscribeForm, status: int, **extra: Any) -> Response:
    return render_page_or_partial(
        "newsletter/index.html",
        "newsletter/_subscribe.html",
        status,
        newsletter_form=form,
        **extra,
    )


def _invalid_link(message: str) -> ResponseReturnValue:
    return render_template(
        "newsletter/invalid_link.html", message=message, confirm_days=CONFIRM_DAYS
    ), 400
