"""The drills blueprint: the library, filtered by the direction the spine moves."""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.content_version import register_content_tables

bp = Blueprint("drills", __name__)


def init_app(app: Flask) -> None:
    """Register the drills views, the tables its cached pages show and its demo drills."""
    from blueprints.drills import routes  # noqa: F401 - attaches views to bp
    from blueprints.drills.seed import init_seed

    app.register_blueprint(bp, url_prefix="/drills")
    register_content_tables(app, "drill", "drill_equipment")
    init_seed(app)
