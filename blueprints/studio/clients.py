"""The coach in the loop: clients who need a look, each client's log, and clearing red flags.

The clients page stays quick with years of clients behind it. Which clients need a look for a
red flag, pain above 5 in their last session or two weeks without a log is one SQL condition over
every client (each part found on an index); both lists are paged by key on the email, so a page
runs the same few statements however many clients there are. Whether a client is ready to
progress needs the progression rule (Python) over their plan and log, so it is worked out for
the clients on the page who are training now (a log in the last two weeks, no red flag), in a
fixed number of statements. Clients without a need-a-look reason are exactly those active in the
last two weeks: the coach's current clients, a list that does not grow with the years; the
need-a-look list does (everyone who stopped training is "no log for two weeks"), so it is paged
too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.me.history import histories_for
from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog
from blueprints.me.plans import DrillStep, current_rule, ladders_for, next_steps, plan_steps
from blueprints.me.progress import RANGES, chosen_range, progress_for
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.paging import Page, page_by_key
from blueprints.studio.seen import seen_marks

QUIET_DAYS = 14
HIGH_PAIN = 5
# Everyone else are the clients training now: each page works out who of them is ready to
# progress (the rule, in Python), so it holds fewer than the need-a-look list, which is read
# from the database alone for all but the few of its clients training now.
PAGE_SIZE = 25
NEED_PAGE_SIZE = 50
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


def _latest_plan(client_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan)
        .where(Plan.client_id == client_id)
        .options(selectinload(Plan.drills))
        .order_by(Plan.id.desc())
        .limit(1)
    )


def _has_a_plan_or_a_log() -> ColumnElement[bool]:
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


def _page(condition: ColumnElement[bool], after: str | None, size: int) -> Page[Client]:
    return page_by_key(
        select(Client).where(_has_a_plan_or_a_log(), condition),
        Client.email,
        Client.id,
        after,
        size,
        descending=False,
    )


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


@bp.get("/clients")
def clients() -> str:
    """Clients who need a look first, then everyone else with a plan, each list by pages."""
    now = utcnow()
    condition = needs_a_look(now)
    need_page = _page(condition, request.args.get("need_after"), NEED_PAGE_SIZE)
    rest_page = _page(~condition, request.args.get("after"), PAGE_SIZE)
    need = attention_for(need_page.rows + rest_page.rows, now)
    rest = need[len(need_page.rows) :]
    need = need[: len(need_page.rows)]
    # Ready to progress is only known from the rule: someone on this page of the others who is
    # ready joins the ones who need a look (and the page says whom the check covered).
    ready = [item for item in rest if item.reasons]
    rest = [item for item in rest if not item.reasons]
    return render_template(
        "studio/clients.html",
        seen=seen_marks("client", {item.client.id: _looked_for(item) for item in need + ready}),
        need=need,
        ready=ready,
        rest=rest,
        need_first=None if need_page.first else url_for("studio.clients", _anchor="need-title"),
        need_next=url_for("studio.clients", need_after=need_page.next_key, _anchor="need-title")
        if need_page.next_key
        else None,
        rest_first=None if rest_page.first else url_for("studio.clients", _anchor="rest-title"),
        rest_next=url_for("studio.clients", after=rest_page.next_key, _anchor="rest-title")
        if rest_page.next_key
        else None,
    )


def _looked_for(item: Attention) -> datetime | None:
    """A seen mark counts from the client's newest red flag or session on."""
    moments = [item.client.flagged_at]
    if item.last_day is not None:
        moments.append(datetime.combine(item.last_day, time()))
    return max((moment for moment in moments if moment is not None), default=None)


def _client_or_404(client_id: int) -> Client:
    client = db.session.get(Client, client_id)
    if client is None:
        abort(404)
    return client


@bp.get("/clients/<int:client_id>")
def client_detail(client_id: int) -> str:
    """One client's plan with its next steps, their log, and their progress charts."""
    client = _client_or_404(client_id)
    plan = _latest_plan(client.id)
    key, since = chosen_range()
    sessions = db.session.scalars(
        select(SessionLog)
        .where(SessionLog.client_id == client.id)
        .options(selectinload(SessionLog.entries))
        .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
        .limit(50)
    ).all()
    templates = db.session.scalars(select(Plan).where(Plan.program_id.is_not(None))).all()
    return render_template(
        "studio/client.html",
        client=client,
        plan=plan,
        steps=plan_steps(plan, client) if plan else [],
        sessions=sessions,
        progress=progress_for(client, since),
        range_key=key,
        ranges=RANGES,
        templates=templates,
    )


@bp.post("/clients/<int:client_id>/clear")
def client_clear_flag(client_id: int) -> ResponseReturnValue:
    """The coach has spoken to the client: progression may be suggested again."""
    client = _client_or_404(client_id)
    client.flag_open = False
    client.cleared_at = utcnow()
    db.session.commit()
    flash(f"Cleared the red flag for {client.email}; next steps are suggested again.")
    return redirect(url_for("studio.client_detail", client_id=client.id), code=303)
