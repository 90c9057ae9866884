"""The contact blueprint: the contact page and its enquiries (booking is `blueprints.booking`)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("contact", __name__)


def init_app(app: Flask) -> None:
    """Register the contact page."""
    from blueprints.contact import routes  # noqa: F401 - attaches views to bp

    app.register_blueprint(bp, url_prefix="/contact")
