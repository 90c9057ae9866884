"""The coach's own area at /studio/: one blueprint, one small module per job."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("studio", __name__)


def init_app(app: Flask) -> None:
    """Register the studio: the login guard first, then every page, and `flask create-admin`."""
    from blueprints import video
    from blueprints.studio import (  # noqa: F401 - each attaches its views to bp
        articles,
        auth,
        availability,
        calendar,
        clients,
        consultation_types,
        consultations,
        dashboard,
        days_off,
        drill_picker,
        drills,
        erase,
        exports,
        inbox,
        newsletter,
        newsletter_send,
        outbox,
        people,
        plans,
        profile,
        programs,
        seen,
        signup_cancel,
        testimonials,
        uploads,
    )
    from blueprints.studio.cli import create_admin_command

    auth.init_login(app)
    app.register_blueprint(bp, url_prefix="/studio")
    app.cli.add_command(create_admin_command)
    video.init_app(app)  # the studio's uploads feed `flask process-videos`
