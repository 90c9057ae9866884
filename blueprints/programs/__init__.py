"""The programs blueprint: courses with capacity, a waitlist and signup."""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.content_version import register_content_tables

bp = Blueprint("programs", __name__)


def init_app(app: Flask) -> None:
    """Register the programs views, the tables its cached pages show and its demo programs."""
    from blueprints.programs import routes  # noqa: F401 - attaches views to bp
    from blueprints.programs.seed import init_seed

    app.register_blueprint(bp, url_prefix="/programs")
    # Places left come from the signups.
    register_content_tables(app, "program", "signup")
    init_seed(app)
