"""The coach in the loop: clients who need a look, each client's log, and clearing red flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from blueprints.me.models import Client, Plan, SessionLog
from blueprints.me.plans import DrillStep, current_rule, plan_steps
from blueprints.me.progress import RANGES, chosen_range, progress_for
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.studio import bp

QUIET_DAYS = 14
HIGH_PAIN = 5


@dataclass
class Attention:
    """One client and why the coach should look."""

    client: Client
    reasons: list[str] = field(default_factory=list)
    last_session: SessionLog | None = None


def _latest_plan(client_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan)
        .where(Plan.client_id == client_id)
        .options(selectinload(Plan.drills))
        .order_by(Plan.id.desc())
        .limit(1)
    )


def clients_needing_a_look() -> tuple[list[Attention], list[Attention]]:
    """(clients who need a look, with their reasons; everyone else with a plan or a log)."""
    now = utcnow()
    rule = current_rule()
    clients = db.session.scalars(select(Client).order_by(Client.email)).all()
    latest = {
        record.client_id: record
        for record in db.session.scalars(
            select(SessionLog)
            .options(selectinload(SessionLog.entries))
            .where(
                SessionLog.id.in_(select(func.max(SessionLog.id)).group_by(SessionLog.client_id))
            )
        )
    }
    need, rest = [], []
    for client in clients:
        item = Attention(client, last_session=latest.get(client.id))
        plan = _latest_plan(client.id)
        if plan is None and item.last_session is None:
            continue
        if client.flag_open:
            item.reasons.append("Red flag reported")
        last = item.last_session
        if last is not None and max((e.pain for e in last.entries), default=0) > HIGH_PAIN:
            item.reasons.append("Pain above 5 in the last session")
        last_day = last.performed_on if last else (plan.created_at.date() if plan else None)
        if last_day is not None and last_day < (now - timedelta(days=QUIET_DAYS)).date():
            item.reasons.append("No log for two weeks")
        if plan is not None and not client.flag_open:
            ready = [s.drill.name for s in plan_steps(plan, client, rule) if _up(s)]
            if ready:
                item.reasons.append("Ready to progress: " + ", ".join(ready))
        (need if item.reasons else rest).append(item)
    return need, rest


def _up(step: DrillStep) -> bool:
    return step.suggestion.action == "up"


@bp.get("/clients")
def clients() -> str:
    """Clients who need a look first, then everyone else with a plan."""
    need, rest = clients_needing_a_look()
    return render_template("studio/clients.html", need=need, rest=rest)


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
