"""The drill library (foundation version; the drills issue grows this)."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, send_from_directory
from sqlalchemy import select

from app import db
from blueprints.drills import bp
from blueprints.drills.models import DIRECTIONS, LEVELS, Drill


@bp.get("/")
def index() -> str:
    """Every drill, grouped by direction."""
    drills = db.session.scalars(select(Drill).order_by(Drill.direction, Drill.position)).all()
    return render_template("drills/index.html", drills=drills, directions=DIRECTIONS)


@bp.get("/<slug>")
def detail(slug: str) -> str:
    """One drill."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return render_template("drills/detail.html", drill=drill, directions=DIRECTIONS, levels=LEVELS)


def _uploaded(filename: str) -> Response:
    if not filename:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], filename, max_age=86400)


@bp.get("/<slug>/poster")
def poster(slug: str) -> Response:
    """The drill's uploaded poster image."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return _uploaded(drill.poster_file)


@bp.get("/<slug>/video")
def video(slug: str) -> Response:
    """The drill's uploaded video (served with range support)."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return _uploaded(drill.video_file)


@bp.get("/<slug>/captions")
def captions(slug: str) -> Response:
    """The drill's uploaded WebVTT captions."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return _uploaded(drill.captions_file)
