"""The coach builds plans: a program's default plan or a client's own, drill by drill,
and tunes the progression rule. A client sees every edit at once (their page reads the plan)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from blueprints.drills.models import Drill
from blueprints.me.logbook import load_in_kg, whole_number
from blueprints.me.models import PROGRESSIONS, Client, Plan, PlanDrill, ProgressionRule
from blueprints.me.plans import copy_plan
from blueprints.programs.models import Program
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.studio import bp

TARGET_FIELDS = ("name", "sets", "reps", "load_kg", "progression")


def _plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


def _text(form: Any, name: str, errors: dict[str, str], required: bool, limit: int) -> str:
    value = (form.get(name) or "").strip()
    if required and not value:
        errors[name] = "Please fill this in."
    elif len(value) > limit or any(c in value for c in "\r\n\x00"):
        errors[name] = f"Please keep this to one line of at most {limit} characters."
    return value


def _step(form: Any, name: str, errors: dict[str, str]) -> float:
    text = (form.get(name) or "2.5").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.5 <= value <= 50:
        errors[name] = "Please enter a step from 0.5 to 50 kg."
    return value


def _row(form: Any, key: str, slugs: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    slug = form.get(f"slug-{key}") or ""
    if slug and slug not in slugs:
        errors[f"slug-{key}"] = "Please choose a drill from the library, or none."
    kind = form.get(f"progression-{key}") or "load"
    if kind not in PROGRESSIONS:
        errors[f"progression-{key}"] = "Please choose how this drill progresses."
    if kind == "drill" and not slug:
        errors[f"slug-{key}"] = "A drill that moves to the next harder drill needs a library drill."
    return {
        "name": _text(form, f"name-{key}", errors, not slug, 160) or slugs.get(slug, ""),
        "drill_slug": slug,
        "sets": whole_number(form.get(f"sets-{key}"), f"sets-{key}", 1, 20, errors),
        "reps": whole_number(form.get(f"reps-{key}"), f"reps-{key}", 1, 100, errors),
        "load_kg": load_in_kg(form.get(f"load-{key}"), f"load-{key}", errors),
        "progression": kind,
        "step_kg": _step(form, f"step-{key}", errors),
    }


def read_plan_form(form: Any, plan: Plan, slugs: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The plan's fields and rows as the form gives them, and a message per refused field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "title": _text(form, "title", errors, True, 200),
        "weeks": whole_number(form.get("weeks"), "weeks", 1, 52, errors),
        "sessions_per_week": whole_number(
            form.get("sessions_per_week"), "sessions_per_week", 1, 7, errors
        ),
        "notes": (form.get("notes") or "").strip()[:2000],
        "rows": {},
        "new": None,
    }
    for item in plan.drills:
        if form.get(f"remove-{item.id}") == "yes":
            values["rows"][item.id] = None
        else:
            values["rows"][item.id] = _row(form, str(item.id), slugs, errors)
    if (form.get("name-new") or "").strip() or form.get("slug-new"):
        values["new"] = _row(form, "new", slugs, errors)
    return values, errors


def _apply(plan: Plan, values: dict[str, Any]) -> None:
    now = utcnow()
    plan.title, plan.weeks = values["title"], values["weeks"]
    plan.sessions_per_week, plan.notes = values["sessions_per_week"], values["notes"]
    for item in list(plan.drills):
        row = values["rows"][item.id]
        if row is None:
            plan.drills.remove(item)
            continue
        if any(getattr(item, name) != row[name] for name in TARGET_FIELDS):
            item.target_set_at = now
        for name, value in row.items():
            setattr(item, name, value)
    if values["new"]:
        position = max((item.position for item in plan.drills), default=-1) + 1
        plan.drills.append(PlanDrill(position=position, target_set_at=now, **values["new"]))
    plan.updated_at = now


def _library() -> dict[str, str]:
    rows = db.session.execute(
        select(Drill.slug, Drill.name).order_by(Drill.direction, Drill.position)
    ).all()
    return {slug: name for slug, name in rows}


def _owner(plan: Plan) -> tuple[str, str]:
    if plan.client_id is not None:
        client = db.session.get(Client, plan.client_id)
        email = client.email if client else "a client"
        return email, url_for("studio.client_detail", client_id=plan.client_id)
    program = db.session.get(Program, plan.program_id)
    title = program.title if program else "a program"
    return f"{title} (default plan)", url_for("studio.programs")


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
def plan_edit(plan_id: int) -> ResponseReturnValue:
    """Edit a plan: its weeks and sessions, and each drill's target and progression."""
    plan = _plan_or_404(plan_id)
    slugs = _library()
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = read_plan_form(request.form, plan, slugs)
        if not errors:
            _apply(plan, values)
            db.session.commit()
            flash("Plan saved. The client sees it straight away.")
            return redirect(url_for("studio.plan_edit", plan_id=plan.id), code=303)
    owner, owner_url = _owner(plan)
    return render_template(
        "studio/plan_form.html", plan=plan, library=slugs, progressions=PROGRESSIONS,
        errors=errors, values=request.form if errors else None, owner=owner, owner_url=owner_url,
    ), (422 if errors else 200)  # fmt: skip


@bp.post("/clients/<int:client_id>/plan")
def client_plan_new(client_id: int) -> ResponseReturnValue:
    """Give a client a plan of their own: a copy of a program's plan, or an empty one."""
    client = db.session.get(Client, client_id)
    if client is None:
        abort(404)
    template_id = request.form.get("template_id", type=int)
    template = db.session.get(Plan, template_id) if template_id else None
    if template is not None and template.program_id is not None:
        plan = copy_plan(template, client)
    else:
        plan = Plan(client=client, title="Your plan")
        db.session.add(plan)
    db.session.commit()
    return redirect(url_for("studio.plan_edit", plan_id=plan.id), code=303)


@bp.get("/programs/<int:program_id>/plan")
def program_plan(program_id: int) -> ResponseReturnValue:
    """A program's default plan (made empty the first time)."""
    program = db.session.get(Program, program_id)
    if program is None:
        abort(404)
    plan = db.session.scalar(select(Plan).where(Plan.program_id == program.id))
    if plan is None:
        plan = Plan(
            program_id=program.id,
            title=f"{program.title}: the plan",
            weeks=program.duration_weeks,
            sessions_per_week=program.sessions_per_week,
        )
        db.session.add(plan)
        db.session.commit()
    return redirect(url_for("studio.plan_edit", plan_id=plan.id))


@bp.route("/progression-rule", methods=["GET", "POST"])
def progression_rule() -> ResponseReturnValue:
    """Tune the rule that suggests each client's next step."""
    rule = db.session.scalar(select(ProgressionRule).limit(1)) or ProgressionRule(
        up_max_pain=3, hold_max_pain=5, sessions_in_a_row=2
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        up = whole_number(form.get("up_max_pain"), "up_max_pain", 0, 10, errors)
        hold = whole_number(form.get("hold_max_pain"), "hold_max_pain", 0, 10, errors)
        row = whole_number(form.get("sessions_in_a_row"), "sessions_in_a_row", 1, 5, errors)
        if not errors and hold < up:
            errors["hold_max_pain"] = "The hold limit cannot be below the limit for moving up."
        if not errors:
            rule.up_max_pain, rule.hold_max_pain, rule.sessions_in_a_row = up, hold, row
            db.session.add(rule)
            db.session.commit()
            flash("Rule saved; every client's next step follows it now.")
            return redirect(url_for("studio.progression_rule"), code=303)
    return render_template(
        "studio/progression_rule.html", rule=rule, errors=errors,
        values=request.form if errors else None,
    ), (422 if errors else 200)  # fmt: skip
