"""The blog blueprint: the coach's articles, their tags, search and readers' comments."""

from __future__ import annotations

from flask import Blueprint, Flask

from blueprints.shared.content_version import register_content_tables

bp = Blueprint("blog", __name__)


def init_app(app: Flask) -> None:
    """Register the blog views, the tables its cached pages show and its demo articles."""
    from blueprints.blog import routes  # noqa: F401 - attaches views to bp
    from blueprints.blog.seed import init_seed

    app.register_blueprint(bp, url_prefix="/blog")
    register_content_tables(app, "post", "tag", "post_tag", "post_drill", "comment")
    init_seed(app)
