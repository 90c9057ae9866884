"""The programs blueprint."""

from flask import Blueprint

bp = Blueprint("programs", __name__)

from blueprints.programs import models, routes  # noqa: E402, F401
