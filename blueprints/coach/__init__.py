"""The coach as visitors meet her: profile, portrait, testimonials and consultation types.

The coach edits all of it in the studio (blueprints/studio/profile.py); public pages read it
through `blueprints.coach.public`, which publishes a testimonial only with the client's consent.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.content_version import register_content_tables

bp = Blueprint("coach", __name__)


def init_app(app: Flask) -> None:
    """Register the portrait's address, the tables public pages show, and the demo profile."""
    from blueprints.coach import routes  # noqa: F401 - attaches views to bp
    from blueprints.coach.seed import init_seed

    app.register_blueprint(bp, url_prefix="/coach")
    register_content_tables(app, "coach_profile", "testimonial", "consultation_type")
    init_seed(app)
