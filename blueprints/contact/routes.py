"""Contact and booking (foundation version; the contact issue grows this)."""

from __future__ import annotations

from flask import render_template

from blueprints.contact import bp


@bp.get("/")
def index() -> str:
    """The contact page."""
    return render_template("contact/index.html")
