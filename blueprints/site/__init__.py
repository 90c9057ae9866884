"""Pages that belong to the whole site: home, privacy, robots.txt, feed, sitemap, errors."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from blueprints.site import discovery, errors, routes  # noqa: E402, F401
