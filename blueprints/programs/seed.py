"""Demo programs for `flask seed`, from `content/programs/<slug>.md`.

The front matter holds the program's fields (`start_in_days` from the seed, omitted for a rolling
start; `capacity` omitted for no limit); the body is its page in Markdown, rendered and sanitised
as the studio renders it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from blueprints.drills.models import DIRECTIONS, LEVELS
from blueprints.programs.models import Program
from blueprints.programs.signups import confirmed_count
from blueprints.shared.clock import utcnow
from blueprints.shared.content import ContentFile, read_content_folder
from blueprints.shared.extensions import db
from blueprints.shared.markdown import render_markdown
from blueprints.shared.seed import SeedRun, register_seed_loader

FIELDS = {
    "title", "summary", "level", "duration_weeks", "sessions_per_week", "directions",
    "price_text", "payment_url", "start_in_days", "capacity", "is_open", "plan",
}  # fmt: skip


def init_seed(app: Flask) -> None:
    """Register the programs with `flask seed`, after the drills they embed."""
    register_seed_loader(app, "programs", seed_programs, order=30)


def seed_programs(run: SeedRun) -> int:
    """Add the programs that are not there yet (by slug); with `run.update`, overwrite the rest.

    An overwritten capacity never drops below the places already taken."""
    written = 0
    files = read_content_folder(run.folder / "programs")
    slugs = [file.slug for file in files]
    existing = {
        program.slug: program
        for program in db.session.scalars(select(Program).where(Program.slug.in_(slugs)))
    }
    for file in files:
        values = program_values(file)
        program = existing.get(file.slug)
        if program is None:
            program = Program(slug=file.slug)
            db.session.add(program)
        elif not run.update or all(getattr(program, k) == v for k, v in values.items()):
            continue
        else:
            _check_capacity(file, program, values["capacity"])
        for key, value in values.items():
            setattr(program, key, value)
        written += 1
    db.session.flush()
    return written


def program_values(file: ContentFile) -> dict[str, Any]:
    """The program's columns as the file gives them."""
    file.only_keys(FIELDS)
    level = file.get("level", str)
    if level not in LEVELS:
        raise file.error(f"level should be one of {', '.join(LEVELS)}, not {level!r}", "level")
    directions = file.strings("directions", [])
    if unknown := [name for name in directions if name not in DIRECTIONS]:
        raise file.error(
            f"unknown directions {unknown} (use: {', '.join(DIRECTIONS)})", "directions"
        )
    start = file.get("start_in_days", int, None)
    return {
        "title": file.get("title", str),
        "summary": file.get("summary", str, ""),
        "body_md": file.body,
        "body_html": render_markdown(file.body).html,
        "level": level,
        "duration_weeks": file.get("duration_weeks", int),
        "sessions_per_week": file.get("sessions_per_week", int),
        "directions": directions,
        "price_text": file.get("price_text", str, ""),
        "payment_url": file.get("payment_url", str, ""),
        "start_date": (utcnow() + timedelta(days=start)).date() if start is not None else None,
        "capacity": file.get("capacity", int, None),
        "is_open": file.get("is_open", bool, True),
    }


def _check_capacity(file: ContentFile, program: Program, capacity: int | None) -> None:
    taken = confirmed_count(program.id)
    if capacity is not None and capacity < taken:
        raise file.error(f"capacity {capacity} is below the {taken} places taken", "capacity")
