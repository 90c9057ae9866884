"""Spam rules shared by every public form: a honeypot field, a minimum time to submit, and a
stamp that serves only a few submissions (a bot cannot fetch one form and post it all day).
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

from blueprints.shared.clock import timestamp
from blueprints.shared.pagecache import register_placeholder, rendering_for_cache
from blueprints.shared.ratelimit import allow
from blueprints.shared.signing import mac, mac_matches

STAMP_PLACEHOLDER = "__form-stamp-placeholder__"
STAMP_PURPOSE = "form-started"
# A stamp is good for this many submissions (a resend after "that time was just taken" or a
# rate-limit answer reuses it) within a day; the uses are counted in rate_event, kept a day.
STAMP_USES = 3
STAMP_MAX_AGE_SECONDS = 24 * 3600


def _serializer() -> URLSafeSerializer:
    """How stamps were signed before `mac`: still read, so a form open across an upgrade works."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-started")


def init_app(app: Flask) -> None:
    """Cached pages get a fresh "form shown at" stamp at each visit."""
    register_placeholder(app, STAMP_PLACEHOLDER, lambda app, _session: _fresh_stamp(app))


def new_form_token() -> str:
    """A signed timestamp put in the form when it is rendered."""
    if rendering_for_cache():
        return STAMP_PLACEHOLDER  # the cache puts a fresh stamp in at each visit
    return _fresh_stamp()


def _fresh_stamp(app: Flask | None = None) -> str:
    """A stamp "<shown at>.<nonce>.<MAC>"; the nonce counts the stamp's uses."""
    body = f"{timestamp():.3f}.{secrets.token_urlsafe(12)}"
    return f"{body}.{mac(STAMP_PURPOSE, body, app)}"


def _read_stamp(stamp: str) -> tuple[float, str]:
    """When the stamp's form was shown, and its nonce; ValueError if it is not ours."""
    body, _, signature = stamp.rpartition(".")
    if body and mac_matches(STAMP_PURPOSE, body, signature):
        started, _, nonce = body.rpartition(".")
        return float(started), nonce
    try:
        started, nonce = _serializer().loads(stamp)
    except BadSignature as error:
        raise ValueError("not a stamp of ours") from error
    return float(started), str(nonce)


class SpamGuardMixin:
    """Mix into a FlaskForm: a field humans never see and when the form was shown."""

    # Labelled for screen readers as "leave empty"; hidden with CSS.
    website = StringField("Leave this field empty")
    form_started = HiddenField()

    def prime_spam_guard(self) -> None:
        """Stamp the form with the time it is shown (call before rendering a fresh form)."""
        self.form_started.data = new_form_token()

    def looks_like_spam(self) -> bool:
        """True for a filled honeypot, a missing, forged, old or used-up stamp, or a too-fast
        submission. Counts one use of the stamp."""
        if self.website.data:
            return True
        try:
            started, nonce = _read_stamp(self.form_started.data or "")
        except (TypeError, ValueError):
            return True
        age = timestamp() - started
        if age < current_app.config["SPAM_MIN_SECONDS"] or age > STAMP_MAX_AGE_SECONDS:
            return True
        return not allow("form-stamp", STAMP_USES, STAMP_MAX_AGE_SECONDS, str(nonce))
