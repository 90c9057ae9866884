"""A client's plan and what it shows: each drill's target, the next step and its reason.

Every page that shows a plan reads it with a fixed number of queries, however many sessions
were logged: the plan with its drills, the ladders of the library's drills, the last few
outings of each drill (one windowed query) and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from blueprints.drills.models import Drill
from blueprints.me.history import outings_by_drill, recent_history
from blueprints.me.models import Client, Plan, PlanDrill, ProgressionRule
from blueprints.me.progression import Ladder, Outing, Rule, Suggestion, rung_for_load, suggest
from blueprints.programs.models import Signup
from blueprints.shared.extensions import db


@dataclass(frozen=True)
class DrillStep:
    """One drill of the plan as the client and coach see it."""

    drill: PlanDrill  # or a row with its columns (the studio's list of clients reads rows)
    ladder: Ladder
    suggestion: Suggestion

    @property
    def load_kg(self) -> float | None:
        """The load the suggestion names (None for bodyweight, or on a drill ladder)."""
        rung = self.suggestion.rung
        if rung is None:
            return self.drill.load_kg
        return self.ladder.load(rung) if self.ladder.kind != "drill" else self.drill.load_kg

    @property
    def drill_name(self) -> str:
        """The drill to do next (the suggested rung's drill on a drill ladder)."""
        if self.ladder.kind == "drill" and self.suggestion.rung is not None:
            return self.ladder.label(self.suggestion.rung)
        return self.drill.name


def current_rule() -> Rule:
    """The coach's tuning, or the defaults."""
    row = db.session.scalar(select(ProgressionRule).limit(1))
    if row is None:
        return Rule()
    return Rule(row.up_max_pain, row.hold_max_pain, row.sessions_in_a_row)


def plan_for(client: Client) -> Plan | None:
    """The client's own plan; the first time, a copy of their program's default plan."""
    plan = db.session.scalar(
        select(Plan)
        .where(Plan.client_id == client.id)
        .options(selectinload(Plan.drills))
        .order_by(Plan.id.desc())
        .limit(1)
    )
    if plan is not None:
        return plan
    template = db.session.scalar(
        select(Plan)
        .join(Signup, Signup.program_id == Plan.program_id)
        .where(func.lower(Signup.email) == client.email, Signup.status == "confirmed")
        .options(selectinload(Plan.drills))
        .order_by(Signup.created_at.desc())
        .limit(1)
    )
    if template is None:
        return None
    plan = copy_plan(template, client)
    db.session.commit()
    return plan


def copy_plan(template: Plan, client: Client) -> Plan:
    """A client's own copy of `template` (added to the session, not committed)."""
    plan = Plan(
        client=client,
        title=template.title,
        weeks=template.weeks,
        sessions_per_week=template.sessions_per_week,
        notes=template.notes,
    )
    # In the session before the template's drills load: that load flushes, and a plan only
    # reachable through client.plans would be left out of the flush (SQLAlchemy warns).
    db.session.add(plan)
    for item in template.drills:
        plan.drills.append(
            PlanDrill(
                position=item.position, name=item.name, drill_slug=item.drill_slug,
                sets=item.sets, reps=item.reps, load_kg=item.load_kg,
                progression=item.progression, step_kg=item.step_kg,
            )
        )  # fmt: skip
    return plan


def ladders_for(drills: Sequence[Any]) -> dict[int, Ladder]:
    """Each plan drill's ladder; drill ladders come from the library, easiest first (PlanDrill
    objects or rows with their columns)."""
    slugs = {item.drill_slug for item in drills if item.progression == "drill" and item.drill_slug}
    by_direction: dict[str, list[tuple[str, str]]] = {}
    if slugs:
        directions = select(Drill.direction).where(Drill.slug.in_(slugs)).scalar_subquery()
        for slug, name, direction in db.session.execute(
            select(Drill.slug, Drill.name, Drill.direction)
            .where(Drill.direction.in_(directions))
            .order_by(Drill.direction, Drill.position, Drill.id)
        ):
            by_direction.setdefault(direction, []).append((slug, name))
    ladders = {}
    for item in drills:
        ladder = Ladder("hold" if item.progression == "hold" else "load", item.step_kg or 2.5)
        if item.progression == "drill":
            for rungs in by_direction.values():
                if any(slug == item.drill_slug for slug, _ in rungs):
                    ladder = Ladder("drill", item.step_kg or 2.5, tuple(n for _, n in rungs))
        ladders[item.id] = ladder
    return ladders


def rung_of(ladder: Ladder, item: PlanDrill, load_kg: float | None, name: str | None) -> int:
    """Where on its ladder a target or a logged outing sits."""
    if ladder.kind == "drill":
        names = ladder.drills
        if name in names:
            return names.index(name)
        return names.index(item.name) if item.name in names else 0
    return rung_for_load(load_kg, ladder.step_kg)


def plan_steps(
    plan: Plan,
    client: Client,
    rule: Rule | None = None,
    *,
    history_rows: list[Any] | None = None,
    ladders: dict[int, Ladder] | None = None,
) -> list[DrillStep]:
    """Every drill of `plan` with its next step for `client`.

    The history is the client's last HISTORY_SESSIONS sessions (blueprints/me/history.py): a
    drill not done in that long starts again from the plan's target. A page showing many
    clients passes each one's `history_rows` (as recent_history gives them) and the `ladders`
    of all their plans, read once for all (histories_for, ladders_for), instead of two queries
    per client.
    """
    rule = rule or current_rule()
    if ladders is None:
        ladders = ladders_for(plan.drills)
    if history_rows is None:
        history_rows = recent_history(client)
    return next_steps(plan.drills, client.flag_open, rule, history_rows, ladders)


def next_steps(
    drills: Sequence[Any],
    flagged: bool,
    rule: Rule,
    history_rows: list[Any],
    ladders: dict[int, Ladder],
) -> list[DrillStep]:
    """plan_steps from what was read: the plan's drills (PlanDrill objects, or rows with the
    same columns), the rows recent_history gives and the ladders (ladders_for)."""
    history = outings_by_drill(history_rows, max(rule.sessions_in_a_row, 1))
    steps = []
    for item in drills:
        ladder = ladders[item.id]
        outings = [
            Outing(
                rung=rung_of(ladder, item, log.load_kg, log.name),
                sets_done=log.sets,
                reps_done=log.reps,
                sets_target=item.sets,
                reps_target=item.reps,
                pain=log.pain,
                morning=log.morning_compared,
                load_kg=log.load_kg or 0.0,
            )  # fmt: skip
            for log in history.get(item.id, [])
            if _after(log.logged_at, item.target_set_at)
        ]
        current = rung_of(ladder, item, item.load_kg, item.name)
        suggestion = suggest(outings, ladder, rule, current=current, flagged=flagged)
        steps.append(DrillStep(item, ladder, suggestion))
    return steps


def _after(logged_at: datetime, target_set_at: datetime | None) -> bool:
    # A target the coach set after an outing outranks what that outing suggests.
    return target_set_at is None or logged_at >= target_set_at
