"""Which clients need the coach's look, and why: a red flag, pain above 5 in their last session,
two weeks without a log, or being ready to progress.

All but the last are one SQL condition over every client (each part found on an index), so the
clients page pages both of its lists by key whatever the number of clients. Whether a client is
ready to progress needs the progression rule (Python) over their plan and log, so it is worked
out for the clients on a page who are training now (a log in the last two weeks, no red flag),
in a fixed number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select

from blueprints.me.history import histories_for
from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog
from blueprints.me.plans import DrillStep, current_rule, ladders_for, next_steps
from blueprints.shared.extensions import db

QUIET_DAYS = 14
HIGH_PAIN = 5
# What the next steps read of a plan's drills (as rows: a page holds a hundred clients' plans).
PLAN_DRILL_COLUMNS = (
    "plan_id", "id", "position", "name", "drill_slug", "sets", "reps", "load_kg",
    "progression", "step_kg", "target_set_at",
)  # fmt: skip


@dataclass
class Attention:
    """One client and why the coach should look."""

    client: Client
    reasons: list[str] = field(default_factory=list)
    last_day: date | None = None  # when their last session was done


def has_a_plan_or_a_log() -> ColumnElement[bool]:
    """The clients the studio lists: those with a plan or a logged session."""
    return or_(
        exists().where(Plan.client_id == Client.id),
        exists().where(SessionLog.client_id == Client.id),
    )


@dataclass(frozen=True)
class Facts:
    """What the database says about each client, as correlated subqueries on `client`: their
    last session's day (None: never logged), whether it had pain above HIGH_PAIN, and their
    latest plan's id and creation time. Each is a lookup on an index: (client_id, performed_on,
    id) of session_log, (session_id, pain) of drill_log, (client_id, id) of plan."""

    last_day: Any
    high_pain: Any
    plan_id: Any
    plan_made: Any


@cache
def _facts() -> Facts:
    """Built once (they take no parameters): putting subqueries together is not free."""

    def newest(column: Any) -> Any:
        return (
            select(column)
            .where(SessionLog.client_id == Client.id)
            .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
            .limit(1)
            .correlate(Client)  # also two levels down, inside EXISTS: name the outer client
            .scalar_subquery()
        )

    def latest_plan(column: Any) -> Any:
        return (
            select(column)
            .where(Plan.client_id == Client.id)
            .order_by(Plan.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    return Facts(
        last_day=newest(SessionLog.performed_on),
        high_pain=exists().where(
            DrillLog.session_id == newest(SessionLog.id), DrillLog.pain > HIGH_PAIN
        ),
        plan_id=latest_plan(Plan.id),
        plan_made=latest_plan(Plan.created_at),
    )


def _cutoff_day(now: datetime) -> date:
    return (now - timedelta(days=QUIET_DAYS)).date()


def needs_a_look(now: datetime) -> ColumnElement[bool]:
    """True for a client with an open red flag, pain above HIGH_PAIN in their last session, or
    no log for QUIET_DAYS (counted from their plan's creation if they never logged). Never NULL,
    so that NOT of it is exactly the other list."""
    facts = _facts()
    cutoff_day = _cutoff_day(now)
    # plan_made.date() < cutoff_day, without a date function: before the cutoff day's midnight.
    quiet = func.coalesce(
        facts.last_day < cutoff_day, facts.plan_made < datetime.combine(cutoff_day, time.min), False
    )
    return or_(Client.flag_open, facts.high_pain, quiet)


def attention_for(clients: list[Client], now: datetime) -> list[Attention]:
    """Each client with their reasons to be looked at, in a fixed number of statements however
    many clients: the facts of all of them (one), then for those who may be ready to progress
    (no red flag, a log in the last two weeks) the rule, their plans' drills and the outings
    the next steps need (one each, as plain rows), and the library's ladders (at most one)."""
    if not clients:
        return []
    facts = _facts()
    found = {
        row.id: row
        for row in db.session.execute(
            select(
                Client.id,
                facts.last_day.label("last_day"),
                facts.high_pain.label("high_pain"),
                facts.plan_id.label("plan_id"),
                facts.plan_made.label("plan_made"),
            ).where(Client.id.in_([client.id for client in clients]))
        )
    }
    cutoff_day = _cutoff_day(now)
    items = []
    for client in clients:
        row = found[client.id]
        item = Attention(client, last_day=row.last_day)
        if client.flag_open:
            item.reasons.append("Red flag reported")
        if row.high_pain:
            item.reasons.append("Pain above 5 in the last session")
        last_day = row.last_day or (row.plan_made.date() if row.plan_made else None)
        if last_day is not None and last_day < cutoff_day:
            item.reasons.append("No log for two weeks")
        items.append(item)
    # Ready to progress: only someone training now. A red flag holds all progression, and after
    # two weeks without a log the coach talks to them before anything moves up.
    training = {
        client.id: found[client.id].plan_id
        for client in clients
        if not client.flag_open
        and found[client.id].plan_id is not None
        and found[client.id].last_day is not None
        and found[client.id].last_day >= cutoff_day
    }
    ready = _ready_to_progress(training)
    for item in items:
        if ready.get(item.client.id):
            item.reasons.append("Ready to progress: " + ", ".join(ready[item.client.id]))
    return items


def _ready_to_progress(plans: dict[int, int]) -> dict[int, list[str]]:
    """The drills each client (client id -> their latest plan's id) is ready to move up on."""
    if not plans:
        return {}
    rule = current_rule()
    drills: dict[int, list[Any]] = {plan_id: [] for plan_id in plans.values()}
    for row in db.session.execute(
        select(*(getattr(PlanDrill, name) for name in PLAN_DRILL_COLUMNS))
        .where(PlanDrill.plan_id.in_(list(drills)))
        .order_by(PlanDrill.plan_id, PlanDrill.position, PlanDrill.id)
    ):
        drills[row.plan_id].append(row)
    histories = histories_for(list(plans), max(rule.sessions_in_a_row, 1))
    ladders = ladders_for([row for rows in drills.values() for row in rows])
    return {
        client_id: [
            step.drill.name
            for step in next_steps(
                drills[plan_id], False, rule, histories.get(client_id, []), ladders
            )
            if _up(step)
        ]
        for client_id, plan_id in plans.items()
    }


def _up(step: DrillStep) -> bool:
    return step.suggestion.action == "up"
