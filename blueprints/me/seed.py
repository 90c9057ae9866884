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
        if plan is None:
            plan = Plan(program_id=program.id, title="")
            db.session.add(plan)
        _fill(plan, file, program)
        written += 1
    db.session.flush()
    return written


def _fill(plan: Plan, file: ContentFile, program: Program) -> None:
    spec = file.get("plan", dict)
    plan.title = str(spec.get("title") or f"{program.title}: the plan")
    plan.weeks = int(spec.get("weeks") or program.duration_weeks)
    plan.sessions_per_week = int(spec.get("sessions_per_week") or program.sessions_per_week)
    plan.notes = str(spec.get("notes") or "")
    names = dict(db.session.execute(select(Drill.slug, Drill.name)).all())
    plan.drills.clear()
    for position, item in enumerate(spec.get("drills") or []):
        plan.drills.append(_drill(file, item, position, names))


def _drill(
    file: ContentFile, item: dict[str, Any], position: int, names: dict[str, str]
) -> PlanDrill:
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
    return PlanDrill(
        position=position, name=names[slug], drill_slug=slug,
        sets=int(item.get("sets", 3)), reps=int(item.get("reps", 8)),
        load_kg=None if load == "bodyweight" else float(load),
        progression=kind, step_kg=float(item.get("step_kg", 2.5)),
    )  # fmt: skip
