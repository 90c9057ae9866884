"""The demo coach for `flask seed`: `content/coach/profile.toml` and a drawn portrait.

Added to a site with no profile (the coach's own is never touched without `--update`); the
consultation types and testimonials come with it, and only then.
"""

from __future__ import annotations

import secrets
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select

from blueprints.coach.models import CoachProfile, ConsultationType, Testimonial
from blueprints.coach.portrait import draw_portrait
from blueprints.coach.public import current_profile
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.seed import SeedRun, register_seed_loader

PROFILE_FIELDS = ("bio", "credentials", "works", "place", "currency", "portrait_alt")


def init_seed(app: Flask) -> None:
    """Register the demo coach with `flask seed`."""
    register_seed_loader(app, "coach profile", seed_coach, order=50)


def seed_coach(run: SeedRun) -> int:
    """Add the demo profile, consultations and testimonials; 0 if a profile is there already,
    unless `run.update` and it differs from the file (then all three are replaced)."""
    path = run.folder / "coach" / "profile.toml"
    if not path.is_file():
        return 0
    profile = current_profile()
    if profile is not None and not run.update:
        return 0
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if profile is not None and _matches(profile, data):
        return 0
    if profile is None:
        profile = CoachProfile()
        db.session.add(profile)
    _fill_profile(profile, data.get("profile", {}))
    db.session.execute(delete(ConsultationType))
    db.session.execute(delete(Testimonial))
    for position, item in enumerate(data.get("consultations", [])):
        db.session.add(ConsultationType(position=position, is_active=True, **_consultation(item)))
    today = utcnow().date()
    for position, item in enumerate(data.get("testimonials", [])):
        db.session.add(
            Testimonial(
                given_on=today - timedelta(days=int(item.get("days_ago", 0))),
                position=position,
                **_testimonial(item),
            )
        )
    db.session.flush()
    return 1


def _consultation(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "description": item.get("description", ""),
        "minutes": int(item["minutes"]),
        "price_cents": int(item.get("price_cents", 0)),
    }


def _testimonial(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "quote": item["quote"],
        "attribution": item["attribution"],
        "consented": bool(item.get("consented", True)),  # the demo clients all agreed
    }


def _matches(profile: CoachProfile, data: dict[str, Any]) -> bool:
    """Does the site hold what the file says (dates aside: they count from the seed)?"""
    fields = data.get("profile", {})
    if profile.name != str(fields.get("name") or current_app.config["COACH_NAME"]):
        return False
    if any(getattr(profile, name) != str(fields.get(name, "")).strip() for name in PROFILE_FIELDS):
        return False
    if not profile.portrait_file:
        return False
    kinds = db.session.scalars(select(ConsultationType).order_by(ConsultationType.position))
    quotes = db.session.scalars(select(Testimonial).order_by(Testimonial.position))
    stored_kinds = [
        {key: getattr(kind, key) for key in ("name", "description", "minutes", "price_cents")}
        for kind in kinds
    ]
    stored_quotes = [
        {key: getattr(row, key) for key in ("quote", "attribution", "consented")} for row in quotes
    ]
    wanted_kinds = [_consultation(item) for item in data.get("consultations", [])]
    wanted_quotes = [_testimonial(item) for item in data.get("testimonials", [])]
    return stored_kinds == wanted_kinds and stored_quotes == wanted_quotes


def _fill_profile(profile: CoachProfile, fields: dict[str, Any]) -> None:
    profile.name = str(fields.get("name") or current_app.config["COACH_NAME"])
    for name in PROFILE_FIELDS:
        setattr(profile, name, str(fields.get(name, "")).strip())
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (folder / name).write_bytes(draw_portrait())
    if profile.portrait_file and "/" not in profile.portrait_file:
        (folder / profile.portrait_file).unlink(missing_ok=True)  # --update: the old drawing
    profile.portrait_file = name
    profile.portrait_width = profile.portrait_height = 480
    profile.updated_at = utcnow()
