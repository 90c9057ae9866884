"""The drills blueprint."""

from flask import Blueprint

bp = Blueprint("drills", __name__)

from blueprints.drills import models, routes  # noqa: E402, F401
