"""The drill library (foundation version; the drills issue grows this)."""

from __future__ import annotations

from flask import render_template
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
