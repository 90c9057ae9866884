"""The coach in the loop: clients who need a look, each client's log, and clearing red flags.

The clients page stays quick with years of clients behind it: who needs a look, and why, is
worked out by blueprints/studio/attention.py, and both lists are paged by key on the email, so
a page runs the same few statements however many clients there are. Clients without a
need-a-look reason are exactly those active in the last two weeks: the coach's current clients,
a list that does not grow with the years; the need-a-look list does (everyone who stopped
training is "no log for two weeks"), so it is paged too.
"""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from blueprints.me.models import Client, Plan, SessionLog
from blueprints.me.plans import plan_steps
from blueprints.me.progress import RANGES, chosen_range, progress_for
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.attention import Attention, attention_for, has_a_plan_or_a_log, needs_a_look
from blueprints.studio.paging import Page, page_by_key
from blueprints.studio.seen import seen_marks

# Everyone else are the clients training now: each page works out who of them is ready to
# progress (the rule, in Python), so it holds fewer than the need-a-look list, which is read
# from the database alone for all but the few of its clients training now.
PAGE_SIZE = 25
NEED_PAGE_SIZE = 50


def _latest_plan(client_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan)
        .where(Plan.client_id == client_id)
        .options(selectinload(Plan.drills))
        .order_by(Plan.id.desc())
        .limit(1)
    )


def _page(condition: ColumnElement[bool], after: str | None, size: int) -> Page[Client]:
    return page_by_key(
        select(Client).where(has_a_plan_or_a_log(), condition),
        Client.email,
        Client.id,
        after,
        size,
        descending=False,
    )


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
