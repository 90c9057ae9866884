"""Programs (foundation version; the programs issue grows this)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from app import db
from blueprints.programs import bp
from blueprints.programs.models import Program


@bp.get("/")
def index() -> str:
    """Every program."""
    programs = db.session.scalars(select(Program).order_by(Program.id)).all()
    return render_template("programs/index.html", programs=programs)


@bp.get("/<slug>")
def detail(slug: str) -> str:
    """One program."""
    program = db.first_or_404(select(Program).where(Program.slug == slug))
    return render_template("programs/detail.html", program=program)
