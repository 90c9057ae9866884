"""What a client logged lately, read in few queries: their latest sessions, each drill's last
outings for the next step (one client or a page of them in one windowed statement), and how
many sessions they have logged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.me.models import Client, DrillLog, SessionLog
from blueprints.shared.extensions import db

# How far back the next step looks: enough for any "in a row" the coach can set (at most 5),
# with every drill of an 8-drill plan skipped now and then.
HISTORY_SESSIONS = 12


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


def sessions_logged(client: Client) -> int:
    """How many sessions the client has logged (for "week 3, session 2")."""
    return (
        db.session.scalar(
            select(func.count()).select_from(SessionLog).where(SessionLog.client_id == client.id)
        )
        or 0
    )
