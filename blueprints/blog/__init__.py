"""The blog blueprint."""

from flask import Blueprint

bp = Blueprint("blog", __name__)

from blueprints.blog import models, routes  # noqa: E402, F401
