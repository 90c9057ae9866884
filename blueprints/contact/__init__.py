"""The contact blueprint."""

from flask import Blueprint

bp = Blueprint("contact", __name__)

from blueprints.contact import models, routes  # noqa: E402, F401
