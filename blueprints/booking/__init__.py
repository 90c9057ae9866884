"""The booking blueprint: free times, the slot picker, booking, moving and cancelling.

Its URLs stay under /contact/ (the picker is part of the contact page, and the links in
visitors' emails name /contact/booking/...). It builds on `blueprints.contact`'s enquiries:
every booking starts as one.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.content_version import register_content_tables

bp = Blueprint("booking", __name__)


def init_app(app: Flask) -> None:
    """Register the booking views and feed, its two commands and the demo availability."""
    from blueprints.booking import (  # noqa: F401 - each attaches its views to bp
        feed,
        manage,
        routes,
    )
    from blueprints.booking.cli import fetch_calendars_command, send_reminders_command
    from blueprints.booking.seed import init_seed

    app.register_blueprint(bp, url_prefix="/contact")
    # The free times on the (cached) contact page change with any of these.
    register_content_tables(
        app,
        "booking",
        "weekly_hours",
        "day_off",
        "availability_settings",
        "busy_calendar",
        "busy_block",
    )
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(fetch_calendars_command)
    init_seed(app)
