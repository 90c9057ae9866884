"""Spam rules shared by every public form: a honeypot field and a minimum time to submit."""

from __future__ import annotations

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

from blueprints.shared.clock import timestamp
from blueprints.shared.pagecache import register_placeholder, rendering_for_cache

STAMP_PLACEHOLDER = "__form-stamp-placeholder__"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-started")


def init_app(app: Flask) -> None:
    """Cached pages get a fresh "form shown at" stamp at each visit."""
    register_placeholder(app, STAMP_PLACEHOLDER, _fresh_stamp)


def new_form_token() -> str:
    """A signed timestamp put in the form when it is rendered."""
    if rendering_for_cache():
        return STAMP_PLACEHOLDER  # the cache puts a fresh stamp in at each visit
    return _fresh_stamp()


def _fresh_stamp() -> str:
    return _serializer().dumps(timestamp())


class SpamGuardMixin:
    """Mix into a FlaskForm: a field humans never see and when the form was shown."""

    # Labelled for screen readers as "leave empty"; hidden with CSS.
    website = StringField("Leave this field empty")
    form_started = HiddenField()

    def prime_spam_guard(self) -> None:
        """Stamp the form with the time it is shown (call before rendering a fresh form)."""
        self.form_started.data = new_form_token()

    def looks_like_spam(self) -> bool:
        """True for a filled honeypot, a missing or forged stamp, or a too-fast submission."""
        if self.website.data:
            return True
        try:
            started = float(_serializer().loads(self.form_started.data or ""))
        except (BadSignature, TypeError, ValueError):
            return True
        return timestamp() - started < current_app.config["SPAM_MIN_SECONDS"]
