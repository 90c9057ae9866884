"""Programs' default plans for `flask seed`, from the `[plan]` table of each program's file.

[plan]
title = "Back Basics: the six weeks"
[[plan.drills]]
drill = "jefferson-curl"     # a drill in the library (its slug)
sets = 3
reps = 8
load = "bodyweight"          # or a number of kg
progression = "load"         # load, drill or hold
step_kg = 2.5
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from blueprints.drills.models import Drill
from blueprints.me.models import PROGRESSIONS, Plan, PlanDrill
from blueprints.programs.models import Program
from blueprints.shared.content import ContentFile, read_content_folder
from blueprints.shared.extensions import db
from blueprints.shared.seed import SeedRun, register_seed_loader


def init_seed(app: Flask) -> None:
    """Register the default plans with `flask seed`, after the programs they belong to."""
    register_seed_loader(app, "program plans", seed_program_plans, order=40)


def seed_program_plans(run: SeedRun) -> int:
    """Add each program's default plan if it has none; with `run.update`, rebuild it."""
    written = 0
    for file in read_content_folder(run.folder / "programs"):
        if "plan" not in file.front:
            continue
        program = db.session.scalar(select(Program).where(Program.slug == file.slug))
        if program is None:
            continue
        plan = db.session.scalar(select(Plan).where(Plan.program_id == program.id))
        if plan is not None and not run.update:
            continue
        wanted = _wanted(file, program)
        if plan is not None and _as_read(plan) == wanted:
            continue  # --update leaves a plan that already matches its file alone
        if plan is None:
            plan = Plan(program_id=program.id, title="")
            db.session.add(plan)
        _fill(plan, wanted)
        written += 1
    db.session.flush()
    return written


DRILL_FIELDS = ("position", "name", "drill_slug", "sets", "reps", "load_kg", "progression")


def _wanted(file: ContentFile, program: Program) -> dict[str, Any]:
    """The plan as its file describes it."""
    spec = file.get("plan", dict)
    names = {slug: name for slug, name in db.session.execute(select(Drill.slug, Drill.name))}
    return {
        "title": str(spec.get("title") or f"{program.title}: the plan"),
        "weeks": int(spec.get("weeks") or program.duration_weeks),
        "sessions_per_week": int(spec.get("sessions_per_week") or program.sessions_per_week),
        "notes": str(spec.get("notes") or ""),
        "drills": [
            _drill(file, item, position, names)
            for position, item in enumerate(spec.get("drills") or [])
        ],
    }


def _as_read(plan: Plan) -> dict[str, Any]:
    """A stored plan in the same shape as `_wanted`."""
    return {
        "title": plan.title,
        "weeks": plan.weeks,
        "sessions_per_week": plan.sessions_per_week,
        "notes": plan.notes,
        "drills": [
            {key: getattr(item, key) for key in (*DRILL_FIELDS, "step_kg")} for item in plan.drills
        ],
    }


def _fill(plan: Plan, wanted: dict[str, Any]) -> None:
    for key in ("title", "weeks", "sessions_per_week", "notes"):
        setattr(plan, key, wanted[key])
    plan.drills.clear()
    plan.drills.extend(PlanDrill(**values) for values in wanted["drills"])


def _drill(
    file: ContentFile, item: dict[str, Any], position: int, names: dict[str, str]
) -> dict[str, Any]:
    slug = str(item.get("drill", ""))
    if slug not in names:
        raise file.error(f"plan drill {slug!r} is not in the drill library", "plan")
    load = item.get("load", "bodyweight")
    if load != "bodyweight" and (not isinstance(load, int | float) or load < 0):
        raise file.error(f'plan load for {slug} should be a number of kg or "bodyweight"', "plan")
    kind = str(item.get("progression", "load"))
    if kind not in PROGRESSIONS:
        raise file.error(
            f"plan progression for {slug} should be one of {', '.join(PROGRESSIONS)}", "plan"
        )
    return {
        "position": position, "name": names[slug], "drill_slug": slug,
        "sets": int(item.get("sets", 3)), "reps": int(item.get("reps", 8)),
        "load_kg": None if load == "bodyweight" else float(load),
        "progression": kind, "step_kg": float(item.get("step_kg", 2.5)),
    }  # fmt: skip
