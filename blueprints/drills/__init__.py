"""The drills blueprint: the library, filtered by the direction the spine moves."""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.pagecache import register_content_tables

bp = Blueprint("drills", __name__)


def init_app(app: Flask) -> None:
    """Register the drills views and the tables its cached pages show."""
    from blueprints.drills import routes  # noqa: F401 - attaches views to bp

    app.register_blueprint(bp, url_prefix="/drills")
    register_content_tables(app, "drill", "drill_equipment")
