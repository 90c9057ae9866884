"""The contact blueprint: enquiries and consultation booking."""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.content_version import register_content_tables

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
    # The free times on the (cached) contact page change with any of these.
    register_content_tables(app, "booking", "weekly_hours", "day_off", "availability_settings")
    app.cli.add_command(send_reminders_command)
    init_seed(app)
