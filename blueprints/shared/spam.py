"""Spam rules shared by every public form: a honeypot field, a minimum time to submit (from a
signed render time), and the rate limits each form's view applies.

The render time is the same for every visitor of a render: it is rounded down to the public
pages' cache time (PUBLIC_MAX_AGE_SECONDS), so the page stays the same bytes for everyone who
fetches it in that window, whichever worker renders it, and a shared cache may keep it. The
cost: an instant post is refused only when its page was rendered less than SPAM_MIN_SECONDS
into its window, or whenever SPAM_MIN_SECONDS exceeds the window; the honeypot and the rate
limits do the rest. A stamp is no longer counted per use (every visitor of a window shares it).
"""

from __future__ import annotations

import math

from flask import current_app
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

from blueprints.shared.clock import timestamp
from blueprints.shared.signing import mac, mac_matches

STAMP_PURPOSE = "form-started"
STAMP_MAX_AGE_SECONDS = 24 * 3600


def _serializer() -> URLSafeSerializer:
    """How stamps were signed before `mac`: still read, so a form open across an upgrade works."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-started")


def new_form_token() -> str:
    """The signed render time put in a form: "<seconds>.<MAC>", the same all through a window."""
    grain = max(1, math.ceil(current_app.config["PUBLIC_MAX_AGE_SECONDS"]))
    shown_at = str(int(timestamp()) // grain * grain)
    return f"{shown_at}.{mac(STAMP_PURPOSE, shown_at)}"


def _read_stamp(stamp: str) -> float:
    """When the stamp's form was rendered; ValueError if it is not ours."""
    body, _, signature = stamp.rpartition(".")
    if body and mac_matches(STAMP_PURPOSE, body, signature):
        # "<seconds>" now; "<seconds>.<ms>.<nonce>" in stamps made before this version.
        return float(body.rpartition(".")[0] if body.count(".") == 2 else body)
    try:
        started, _nonce = _serializer().loads(stamp)
    except BadSignature as error:
        raise ValueError("not a stamp of ours") from error
    return float(started)


class SpamGuardMixin:
    """Mix into a FlaskForm: a field humans never see and when the form was rendered."""

    # Labelled for screen readers as "leave empty"; hidden with CSS.
    website = StringField("Leave this field empty")
    form_started = HiddenField()

    def prime_spam_guard(self) -> None:
        """Stamp the form with its render time (call before rendering a fresh form)."""
        self.form_started.data = new_form_token()

    def looks_like_spam(self) -> bool:
        """True for a filled honeypot, a missing, forged or day-old stamp, or a too-fast
        submission."""
        if self.website.data:
            return True
        try:
            started = _read_stamp(self.form_started.data or "")
        except (TypeError, ValueError):
            return True
        age = timestamp() - started
        return age < current_app.config["SPAM_MIN_SECONDS"] or age > STAMP_MAX_AGE_SECONDS


class PublicForm(SpamGuardMixin, FlaskForm):
    """A form on a page every visitor shares: the spam guard and no CSRF token (the page would
    no longer be the same bytes for everyone); origin_check refuses another site's POST, and
    each view is `csrf.exempt`."""

    class Meta:
        csrf = False
