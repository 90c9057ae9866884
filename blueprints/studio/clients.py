"""The coach in the loop: clients who need a look, each client's log, and clearing red flags.

The clients page stays quick with years of clients behind it. Which clients need a look for a
red flag, pain above 5 in their last session or two weeks without a log is one SQL condition over
every client (each part found on an index); both lists are paged by key on the email, so a page
reads the same few statements however many clients there are. Whether a client is ready to
progress needs the progression rule (Python) over their plan and log, so it is worked out for the
clients on the page in a fixed number of statements (plans, drills, histories and ladders read
once for all of them). Clients without a need-a-look reason are those who logged in the last two
weeks: the coach's current clients, a list that does not grow with the years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.me.models import Client, DrillLog, Plan, SessionLog
from blueprints.me.plans import DrillStep, current_rule, histories_for, ladders_for, plan_steps
from blueprints.me.progress import RANGES, chosen_range, progress_for
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.paging import Page, page_by_key

QUIET_DAYS = 14
HIGH_PAIN = 5
PAGE_SIZE = 50


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


def needs_a_look(now: datetime) -> ColumnElement[bool]:
    """True for a client with an open red flag, pain above HIGH_PAIN in their last session, or
    no log for QUIET_DAYS (counted from their plan's creation if they never logged).

    Each part is a lookup on an index: (client_id, performed_on, id) of session_log for the last
    session, (session_id, pain) of drill_log, (client_id, id) of plan. Never NULL, so that NOT of
    it is exactly the other list."""
    cutoff_day = (now - timedelta(days=QUIET_DAYS)).date()
    last_session = (
        select(SessionLog.id)
        .where(SessionLog.client_id == Client.id)
        .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
        .limit(1)
        .correlate(Client)  # two levels down, inside EXISTS: name the outer client
        .scalar_subquery()
    )
    last_day = (
        select(SessionLog.performed_on)
        .where(SessionLog.client_id == Client.id)
        .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    plan_made = (
        select(Plan.created_at)
        .where(Plan.client_id == Client.id)
        .order_by(Plan.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    high_pain = exists().where(DrillLog.session_id == last_session, DrillLog.pain > HIGH_PAIN)
    # plan_made.date() < cutoff_day, without a date function: before the cutoff day's midnight.
    quiet = func.coalesce(
        last_day < cutoff_day, plan_made < datetime.combine(cutoff_day, time.min), False
    )
    return or_(Client.flag_open, high_pain, quiet)


def _page(condition: ColumnElement[bool], after: str | None) -> Page[Client]:
    return page_by_key(
        select(Client).where(_has_a_plan_or_a_log(), condition),
        Client.email,
        Client.id,
        after,
        PAGE_SIZE,
        descending=False,
    )


def attention_for(clients: list[Client], now: datetime) -> list[Attention]:
    """Each client with their reasons to be looked at, read for all of them at once: their
    latest plans with drills (two statements), the drills of their last sessions (one), the
    library's ladders (at most one) and the rule (one)."""
    if not clients:
        return []
    rule = current_rule()
    ids = [client.id for client in clients]
    latest = select(func.max(Plan.id)).where(Plan.client_id.in_(ids)).group_by(Plan.client_id)
    plans = {
        plan.client_id: plan
        for plan in db.session.scalars(
            select(Plan).where(Plan.id.in_(latest)).options(selectinload(Plan.drills))
        )
    }
    histories = histories_for(ids)
    ladders = ladders_for([item for plan in plans.values() for item in plan.drills])
    cutoff_day = (now - timedelta(days=QUIET_DAYS)).date()
    items = []
    for client in clients:
        rows: list[Any] = histories.get(client.id, [])
        last = [row for row in rows if row.number == 1]
        item = Attention(client, last_day=last[0].performed_on if last else None)
        plan = plans.get(client.id)
        if client.flag_open:
            item.reasons.append("Red flag reported")
        if max((row.pain or 0 for row in last), default=0) > HIGH_PAIN:
            item.reasons.append("Pain above 5 in the last session")
        last_day = item.last_day or (plan.created_at.date() if plan else None)
        if last_day is not None and last_day < cutoff_day:
            item.reasons.append("No log for two weeks")
        if plan is not None and not client.flag_open:
            steps = plan_steps(plan, client, rule, history_rows=rows, ladders=ladders)
            ready = [s.drill.name for s in steps if _up(s)]
            if ready:
                item.reasons.append("Ready to progress: " + ", ".join(ready))
        items.append(item)
    return items


def _up(step: DrillStep) -> bool:
    return step.suggestion.action == "up"


@bp.get("/clients")
def clients() -> str:
    """Clients who need a look first, then everyone else with a plan, each list by pages."""
    now = utcnow()
    condition = needs_a_look(now)
    need_page = _page(condition, request.args.get("need_after"))
    rest_page = _page(~condition, request.args.get("after"))
    need = attention_for(need_page.rows + rest_page.rows, now)
    rest = need[len(need_page.rows) :]
    need = need[: len(need_page.rows)]
    # Ready to progress is only known from the rule: someone on this page of the others who is
    # ready joins the ones who need a look (and the page says whom the check covered).
    ready = [item for item in rest if item.reasons]
    rest = [item for item in rest if not item.reasons]
    return render_template(
        "studio/clients.html",
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
