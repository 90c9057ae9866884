"""The contact blueprint: enquiries and consultation booking."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("contact", __name__)


def init_app(app: Flask) -> None:
    """Register the contact views, its commands and its demo availability."""
    from blueprints.contact import (
        manage,  # noqa: F401 - attaches views to bp
        routes,  # noqa: F401 - attaches views to bp
    )
    from blueprints.contact.cli import send_reminders_command
    from blueprints.contact.seed import init_seed

    app.register_blueprint(bp, url_prefix="/contact")
    app.cli.add_command(send_reminders_command)
    init_seed(app)
