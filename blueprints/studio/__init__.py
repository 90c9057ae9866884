"""The coach's own area at /studio/: one blueprint, one small module per job."""

from flask import Blueprint

bp = Blueprint("studio", __name__)

# Each module registers its routes on `bp`; `auth` also guards every one of them.
from blueprints.studio import (  # noqa: E402, F401
    articles,
    auth,
    availability,
    dashboard,
    drills,
    erase,
    exports,
    inbox,
    models,
    outbox,
    programs,
    uploads,
)
