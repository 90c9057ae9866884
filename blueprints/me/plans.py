"""A client's plan and what it shows: each drill's target, the next step and its reason.

Every page that shows a plan reads it with a fixed number of queries, however many sessions
were logged: the plan with its drills, the ladders of the library's drills, the last few
outings of each drill (one windowed query) and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.drills.models import Drill
from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, ProgressionRule, SessionLog
from blueprints.me.progression import Ladder, Outing, Rule, Suggestion, rung_for_load, suggest
from blueprints.programs.models import Signup
from blueprints.shared.extensions import db

# How far back the next step looks: enough for any "in a row" the coach can set (at most 5),
# with every drill of an 8-drill plan skipped now and then.
HISTORY_SESSIONS = 12


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


def recent_sessions(client: Client, limit: int = HISTORY_SESSIONS) -> list[SessionLog]:
    """The client's latest sessions with their entries, newest first (two indexed queries)."""
    return list(
        db.session.scalars(
            select(SessionLog)
            .where(SessionLog.client_id == client.id)
            .options(selectinload(SessionLog.entries))
            .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
            .limit(limit)
        )
    )


def recent_history(client: Client, limit: int = HISTORY_SESSIONS) -> list[Any]:
    """Each drill logged in the client's last `limit` sessions, newest first, as plain rows
    (one indexed query, no ORM objects: the next step needs only these columns)."""
    latest = (
        select(SessionLog.id)
        .where(SessionLog.client_id == client.id)
        .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
        .limit(limit)
    )
    return list(
        db.session.execute(
            select(
                DrillLog.plan_drill_id,
                DrillLog.name,
                DrillLog.sets,
                DrillLog.reps,
                DrillLog.load_kg,
                DrillLog.pain,
                SessionLog.morning_compared,
                SessionLog.logged_at,
            )  # fmt: skip
            .join(SessionLog, DrillLog.session_id == SessionLog.id)
            .where(DrillLog.session_id.in_(latest))
            .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc(), DrillLog.id)
        )
    )


def histories_for(
    client_ids: list[int], per_drill: int, limit: int = HISTORY_SESSIONS
) -> dict[int, list[Any]]:
    """What plan_steps reads of recent_history, for many clients in one statement: in each
    client's last `limit` sessions, the last `per_drill` outings of each plan drill, and every
    drill of their last session (`number` 1, with its `performed_on`; a session logged without
    drills still shows, its drill columns empty). Newest first, by client id."""
    if not client_ids:
        return {}
    found: dict[int, list[Any]] = {}
    for row in db.session.execute(
        _histories_statement(), {"client_ids": client_ids, "per_drill": per_drill, "limit": limit}
    ):
        found.setdefault(row.client_id, []).append(row)
    return found


@cache
def _histories_statement() -> Select[Any]:
    """Two window functions (SQLite and PostgreSQL both have them) do what outings_by_drill
    would do in Python, so a page of clients reads a few rows each, not their last dozen
    sessions. Built once: putting its subqueries together costs more than running it."""
    number = func.row_number().over(
        partition_by=SessionLog.client_id,
        order_by=(SessionLog.performed_on.desc(), SessionLog.id.desc()),
    )
    ranked = (
        select(SessionLog.id, number.label("number"))
        .where(SessionLog.client_id.in_(bindparam("client_ids", expanding=True)))
        .subquery()
    )
    outing = func.row_number().over(
        partition_by=DrillLog.plan_drill_id, order_by=(ranked.c.number, DrillLog.id)
    )
    rows = (
        select(
            SessionLog.client_id,
            ranked.c.number,
            outing.label("outing"),
            SessionLog.performed_on,
            DrillLog.id.label("drill_log_id"),
            DrillLog.plan_drill_id,
            DrillLog.name,
            DrillLog.sets,
            DrillLog.reps,
            DrillLog.load_kg,
            DrillLog.pain,
            SessionLog.morning_compared,
            SessionLog.logged_at,
        )  # fmt: skip
        .join(ranked, ranked.c.id == SessionLog.id)
        .outerjoin(DrillLog, DrillLog.session_id == SessionLog.id)
        .where(ranked.c.number <= bindparam("limit"))
        .subquery()
    )
    return (
        select(rows)
        .where(
            or_(
                rows.c.number == 1,
                and_(rows.c.plan_drill_id.is_not(None), rows.c.outing <= bindparam("per_drill")),
            )
        )
        .order_by(rows.c.client_id, rows.c.number, rows.c.drill_log_id)
    )


def outings_by_drill(rows: list[Any], per_drill: int) -> dict[int, list[Any]]:
    """The last `per_drill` rows of each plan drill (rows newest first), oldest first."""
    found: dict[int, list[Any]] = {}
    for row in rows:
        if row.plan_drill_id is None:
            continue
        mine = found.setdefault(row.plan_drill_id, [])
        if len(mine) < per_drill:
            mine.append(row)
    return {key: mine[::-1] for key, mine in found.items()}


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

    The history is the client's last HISTORY_SESSIONS sessions: a drill not done in that long
    starts again from the plan's target. A page showing many clients passes each one's
    `history_rows` (as recent_history gives them) and the `ladders` of all their plans, read
    once for all (histories_for, ladders_for), instead of two queries per client.
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


def sessions_logged(client: Client) -> int:
    """How many sessions the client has logged (for "week 3, session 2")."""
    return (
        db.session.scalar(
            select(func.count()).select_from(SessionLog).where(SessionLog.client_id == client.id)
        )
        or 0
    )
