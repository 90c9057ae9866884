"""The coach's own area at /studio/."""

from flask import Blueprint

bp = Blueprint("studio", __name__)

from blueprints.studio import models, routes  # noqa: E402, F401
