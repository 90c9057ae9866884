"""The per-visitor values a cached public page is filled with at each visit."""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf


def csrf_token() -> str:
    """This visitor's CSRF token (Flask-WTF's, bound to their session)."""
    return generate_csrf()
