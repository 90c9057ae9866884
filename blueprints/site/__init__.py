"""Site-wide pages: home, privacy, robots.txt, feed, sitemap, favicon, error pages."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from blueprints.site import discovery, errors, routes  # noqa: E402, F401
