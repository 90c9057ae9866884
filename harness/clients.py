"""Many clients with plans and logs, written in bulk: for the studio's clients list in tests and
in bench/studio.py. Works on SQLite and PostgreSQL (ids come back from the inserts, never set by
hand, so PostgreSQL's sequences stay right)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog
from blueprints.shared.extensions import db

DRILLS = ("Jefferson curl", "Side plank", "Bird dog", "Pallof press")
TARGET_SETS, TARGET_REPS = 3, 8


@dataclass(frozen=True)
class ClientSpec:
    """One client: their email, when their last session was (None: never logged), how many
    sessions every three days up to it, the pain in the last one, whether they did every rep
    (two such sessions, settled, make them ready to progress), and a red flag."""

    email: str
    last_day: date | None
    sessions: int = 25
    last_pain: int = 2
    all_reps: bool = False
    flag_open: bool = False
    plan_made: datetime | None = None  # default: the day before their first session


def _insert(model: type, rows: list[dict[str, object]]) -> list[int]:
    if not rows:
        return []
    return list(
        db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    )


def add_clients(specs: list[ClientSpec], today: date) -> None:
    """Store the clients, each with a plan of four drills and their sessions (committed)."""
    client_ids = _insert(
        Client,
        [
            {"email": spec.email, "flag_open": spec.flag_open,
             "created_at": datetime.combine(today, time.min) - timedelta(days=1000)}
            for spec in specs
        ],
    )  # fmt: skip
    made = []
    for spec in specs:
        first = (
            spec.last_day - timedelta(days=3 * (spec.sessions - 1))
            if spec.last_day is not None
            else today
        )
        made.append(spec.plan_made or datetime.combine(first, time(8)) - timedelta(days=1))
    plan_ids = _insert(
        Plan,
        [
            {"client_id": client_id, "title": "Back basics", "created_at": at, "updated_at": at}
            for client_id, at in zip(client_ids, made, strict=True)
        ],
    )
    drill_rows = []
    for plan_id, at in zip(plan_ids, made, strict=True):
        for position, name in enumerate(DRILLS):
            drill_rows.append(
                {"plan_id": plan_id, "position": position, "name": name, "sets": TARGET_SETS,
                 "reps": TARGET_REPS, "load_kg": None, "progression": "load", "step_kg": 2.5,
                 "target_set_at": at}
            )  # fmt: skip
    drill_ids = _insert(PlanDrill, drill_rows)
    sessions, entries = [], []
    for n, spec in enumerate(specs):
        if spec.last_day is None:
            continue
        for back in range(spec.sessions - 1, -1, -1):  # oldest first
            day = spec.last_day - timedelta(days=3 * back)
            sessions.append(
                {"client_id": client_ids[n], "plan_id": plan_ids[n], "performed_on": day,
                 "logged_at": datetime.combine(day, time(18)), "morning_pain": 1,
                 "morning_compared": "settled"}
            )  # fmt: skip
            pain = spec.last_pain if back == 0 else 2
            reps = TARGET_REPS if spec.all_reps else TARGET_REPS - 2
            entries.append(
                [
                    {"plan_drill_id": drill_ids[n * len(DRILLS) + k], "name": name,
                     "sets": TARGET_SETS, "reps": reps, "load_kg": None, "pain": pain}
                    for k, name in enumerate(DRILLS)
                ]
            )  # fmt: skip
    for start in range(0, len(sessions), 5_000):
        chunk = sessions[start : start + 5_000]
        session_ids = _insert(SessionLog, chunk)
        rows = [
            entry | {"session_id": session_id}
            for session_id, per_session in zip(
                session_ids, entries[start : start + 5_000], strict=True
            )
            for entry in per_session
        ]
        db.session.execute(insert(DrillLog), rows)
    db.session.commit()
