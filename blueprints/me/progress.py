"""Progress you can see: load over time per drill and pain over time, for client and coach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import render_template, request
from sqlalchemy import select

from blueprints.me import bp
from blueprints.me.charts import Chart, line_chart
from blueprints.me.models import Client, DrillLog, SessionLog
from blueprints.me.routes import client_required
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

RANGES = {
    "12w": ("The last 12 weeks", 84),
    "1y": ("The last year", 365),
    "all": ("Everything", None),
}


@dataclass(frozen=True)
class DrillProgress:
    """One drill's load over time."""

    name: str
    chart: Chart


@dataclass(frozen=True)
class Progress:
    """Everything the progress page draws."""

    drills: list[DrillProgress]
    pain: Chart  # the highest pain during each session
    morning: Chart  # the next-morning pain, where answered
    sessions: int


def progress_for(client: Client, since: date | None) -> Progress:
    """The client's charts from `since` (all of it when None), in one query."""
    query = (
        select(
            SessionLog.performed_on,
            SessionLog.morning_pain,
            DrillLog.name,
            DrillLog.load_kg,
            DrillLog.pain,
            SessionLog.id,
        )
        .join(DrillLog, DrillLog.session_id == SessionLog.id)
        .where(SessionLog.client_id == client.id)
        .order_by(SessionLog.performed_on, SessionLog.id, DrillLog.id)
    )
    if since is not None:
        query = query.where(SessionLog.performed_on >= since)
    loads: dict[str, list[tuple[date, float]]] = {}
    pain: dict[int, tuple[date, float]] = {}
    morning: dict[int, tuple[date, float]] = {}
    for day, morning_pain, name, load, drill_pain, session_id in db.session.execute(query):
        loads.setdefault(name, []).append((day, load or 0.0))
        previous = pain.get(session_id, (day, 0.0))[1]
        pain[session_id] = (day, max(previous, float(drill_pain)))
        if morning_pain is not None:
            morning[session_id] = (day, float(morning_pain))
    return Progress(
        drills=[DrillProgress(name, line_chart(series, "kg")) for name, series in loads.items()],
        pain=line_chart(list(pain.values()), "/10", y_max=10),
        morning=line_chart(list(morning.values()), "/10", y_max=10),
        sessions=len(pain),
    )


def chosen_range() -> tuple[str, date | None]:
    """The range the visitor picked (?range=12w|1y|all), and the first day it covers."""
    key = request.args.get("range", "12w")
    if key not in RANGES:
        key = "12w"
    days = RANGES[key][1]
    return key, (utcnow().date() - timedelta(days=days)) if days else None


@bp.get("/progress")
@client_required
def progress(client: Client) -> str:
    """The client's load and pain over time, each chart with its table."""
    key, since = chosen_range()
    return render_template(
        "me/progress.html", progress=progress_for(client, since), range_key=key, ranges=RANGES
    )
