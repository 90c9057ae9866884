"""Demo drills for `flask seed`, from `content/drills/<slug>.md`.

The front matter holds the drill's fields; the body is its steps as a numbered list.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import exists, select

from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS, Drill, DrillEquipment
from blueprints.shared.content import ContentFile, read_content_folder
from blueprints.shared.extensions import db
from blueprints.shared.seed import SeedRun, register_seed_loader

FIELDS = {
    "name", "direction", "level", "position", "equipment", "progresses_with", "summary", "cues",
    "mistakes", "progression", "video_url", "duration_seconds",
}  # fmt: skip
LIST_FIELDS = ("cues", "mistakes", "progression")
STEP = re.compile(r"\d+[.)]\s+(.*)")


def init_seed(app: Flask) -> None:
    """Register the drills with `flask seed`: first, since articles and programs embed them."""
    register_seed_loader(app, "drills", seed_drills, order=10, has_content=has_drills)


def has_drills() -> bool:
    """True once there is any drill."""
    return bool(db.session.scalar(select(exists().where(Drill.id.isnot(None)))))


def seed_drills(run: SeedRun) -> int:
    """Add the drills that are not there yet (by slug); with `run.update`, overwrite the rest."""
    written = 0
    files = read_content_folder(run.folder / "drills")
    slugs = [file.slug for file in files]
    existing = {
        drill.slug: drill
        for drill in db.session.scalars(select(Drill).where(Drill.slug.in_(slugs)))
    }
    for file in files:
        values = drill_values(file)
        values["motion"] = _motion_beside(file)
        drill = existing.get(file.slug)
        if drill is None:
            drill = Drill(slug=file.slug)
            db.session.add(drill)
        elif not run.update or _matches(drill, values):
            if not drill.motion:  # a database from before demonstrations: give it its figure
                drill.motion = values["motion"]
            continue
        _apply(drill, values)
        written += 1
    db.session.flush()
    return written


def drill_values(file: ContentFile) -> dict[str, Any]:
    """The drill's columns as the file gives them (lists joined by newlines, as the studio does)."""
    file.only_keys(FIELDS)
    values: dict[str, Any] = {
        "name": file.get("name", str),
        "direction": _choice(file, "direction", DIRECTIONS),
        "level": _choice(file, "level", LEVELS),
        "position": file.get("position", int),
        "summary": file.get("summary", str),
        "steps": "\n".join(drill_steps(file)),
        "video_url": file.get("video_url", str, ""),
        "duration_seconds": file.get("duration_seconds", int, None),
        "equipment": file.strings("equipment"),
        "progresses_with": file.strings("progresses_with", []),
    }
    for key in LIST_FIELDS:
        values[key] = "\n".join(file.strings(key, []))
    for key in ("equipment", "progresses_with"):
        for name in values[key]:
            if name not in EQUIPMENT or (key == "progresses_with" and name == "none"):
                raise file.error(f"unknown equipment {name!r} (use: {', '.join(EQUIPMENT)})", key)
    if set(values["equipment"]) & set(values["progresses_with"]):
        raise file.error("list a piece of kit as needed or as a progression, not both", "equipment")
    return values


def drill_steps(file: ContentFile) -> list[str]:
    """The body's numbered list, one step per item; an indented line continues its step."""
    steps: list[str] = []
    for number, line in enumerate(file.body.splitlines(), start=file.body_line):
        if not line.strip():
            continue
        if match := STEP.fullmatch(line.strip()):
            steps.append(match.group(1).strip())
        elif steps and line[:1].isspace():
            steps[-1] = f"{steps[-1]} {line.strip()}"
        else:
            raise file.error("the steps should be a numbered list (1. ...)", line=number)
    if not steps:
        raise file.error("the body should list the drill's steps (1. ..., 2. ...)")
    return steps


def _choice(file: ContentFile, key: str, allowed: dict[str, str]) -> str:
    value = file.get(key, str)
    if value not in allowed:
        raise file.error(f"{key} should be one of {', '.join(allowed)}, not {value!r}", key)
    return value


KIT = ("equipment", "progresses_with")


def _matches(drill: Drill, values: dict[str, Any]) -> bool:
    current = {key: getattr(drill, key) for key in values if key not in KIT}
    current["equipment"] = drill.needed_names
    current["progresses_with"] = drill.progression_names
    return current == {**values, **{key: sorted(values[key]) for key in KIT}}


def _apply(drill: Drill, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key not in KIT:
            setattr(drill, key, value)
    set_equipment(drill, values["equipment"], values["progresses_with"])


def set_equipment(drill: Drill, needed: list[str], progressions: list[str]) -> None:
    """What the drill needs and what it may progress to, as its equipment rows."""
    # Keep rows whose name stays, so the (drill, name) unique index never sees a duplicate.
    kept = {item.name: item for item in drill.equipment}
    rows = []
    for names, is_needed in ((needed, True), (progressions, False)):
        for name in names:
            row = kept.get(name) or DrillEquipment(name=name)
            row.needed = is_needed
            rows.append(row)
    drill.equipment = rows


def _motion_beside(file: ContentFile) -> str:
    """The drill's demonstration keyframes, kept beside its file as <slug>.motion.toml."""
    path = file.path.with_name(f"{file.slug}.motion.toml")
    return path.read_text(encoding="utf-8") if path.is_file() else ""
