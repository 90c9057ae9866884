"""The coach's portrait, as uploaded in the studio (re-encoded, stripped, sized)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app

from blueprints.coach import bp
from blueprints.coach.public import current_profile
from blueprints.shared.static_files import versioned_file


@bp.get("/portrait.jpg")
def portrait() -> Response:
    """The portrait; its address carries ?v=<last profile save>, kept a year."""
    profile = current_profile()
    if profile is None or not profile.portrait_file:
        abort(404)
    path = Path(current_app.config["UPLOAD_FOLDER"]) / profile.portrait_file
    if not path.is_file():
        abort(404)
    # A few tens of KB (the studio shrinks it): read whole, so the ETag is the bytes' own.
    response = Response(path.read_bytes(), mimetype="image/jpeg")
    return versioned_file(response, profile.portrait_version())
