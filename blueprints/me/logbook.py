"""Logging a session: reading the form (every field checked, nothing stored on any error),
storing it, the next-morning answer, and red flags (stop, see a clinician, the coach told)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from blueprints.me.models import MORNING_ANSWERS, RED_FLAGS, Client, DrillLog, SessionLog
from blueprints.me.plans import DrillStep
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.outbox import queue_email
from blueprints.shared.urls import absolute_url

MAX_SETS, MAX_REPS, MAX_LOAD_KG, MAX_PAIN = 20, 100, 300, 10
OLDEST_DAYS = 60  # how far back a forgotten session may still be logged
BODYWEIGHT_WORDS = {"", "bodyweight", "bw", "body weight", "none", "0"}


@dataclass
class LogInput:
    """A checked session, ready to store."""

    performed_on: date
    entries: list[DrillLog] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)
    note: str = ""


def whole_number(value: str | None, name: str, low: int, high: int, errors: dict[str, str]) -> int:
    """A whole number from `low` to `high`; otherwise a message in `errors[name]`."""
    text = (value or "").strip()
    if not text:
        errors[name] = "Please fill this in."
        return 0
    try:
        number = int(text)
    except ValueError:
        errors[name] = "Please enter a whole number."
        return 0
    if not low <= number <= high:
        errors[name] = f"Please enter a number from {low} to {high}."
    return number


def load_in_kg(value: str | None, name: str, errors: dict[str, str]) -> float | None:
    """A load in kg (None for bodyweight); a negative or absurd one is a message in `errors`."""
    text = (value or "").strip().lower().removesuffix("kg").strip()
    if text in BODYWEIGHT_WORDS:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        errors[name] = 'Please enter the load in kg (for example 4 or 2.5), or "bodyweight".'
        return None
    if not math.isfinite(number) or number < 0:
        errors[name] = "A load cannot be negative. Leave it empty for bodyweight."
    elif number > MAX_LOAD_KG:
        errors[name] = f"Please enter a load of at most {MAX_LOAD_KG} kg."
    return round(number, 2) if math.isfinite(number) else None


def recent_days(today: date) -> list[tuple[str, str]]:
    """The days a session may be logged for, newest first, as (value, 'Today, Monday 7 December'):
    the form's date is one select, one Tab stop (a date input is three, day, month and year)."""
    days = []
    for back in range(OLDEST_DAYS + 1):
        day = today - timedelta(days=back)
        words = f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")
        lead = {0: "Today, ", 1: "Yesterday, "}.get(back, "")
        days.append((day.isoformat(), lead + words))
    return days


def untouched(form: Any, step: DrillStep) -> bool:
    """The drill's fields as the form offered them, and no pain given: not done this time."""
    offered = {
        f"sets-{step.drill.id}": str(step.drill.sets),
        f"reps-{step.drill.id}": str(step.drill.reps),
        f"load-{step.drill.id}": f"{step.load_kg:g}" if step.load_kg else "",
    }
    if (form.get(f"pain-{step.drill.id}") or "").strip():
        return False
    return all((form.get(name) or "").strip() in ("", value) for name, value in offered.items())


def _day(value: str | None, today: date, errors: dict[str, str]) -> date:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        errors["performed_on"] = "Please enter the date of the session (YYYY-MM-DD)."
        return today
    if day > today:
        errors["performed_on"] = "A session cannot be in the future. Log it once it is done."
    elif day < today - timedelta(days=OLDEST_DAYS):
        errors["performed_on"] = f"Please log sessions from the last {OLDEST_DAYS} days."
    return day


def read_log_form(
    form: Any, steps: list[DrillStep], today: date
) -> tuple[LogInput | None, dict[str, str]]:
    """The session the form describes, or None and a message per refused field."""
    errors: dict[str, str] = {}
    checked = LogInput(performed_on=_day(form.get("performed_on"), today, errors))
    flags = form.getlist("red_flags")
    if any(flag not in RED_FLAGS for flag in flags):
        errors["red_flags"] = "Please choose from the list."
    checked.red_flags = [flag for flag in RED_FLAGS if flag in flags]
    for step in steps:
        key = step.drill.id
        if checked.red_flags and not (form.get(f"pain-{key}") or "").strip():
            continue  # someone stopping for a red flag need not finish the form
        if untouched(form, step):
            continue  # a drill left as offered, without a pain score, was not done today
        sets = whole_number(form.get(f"sets-{key}"), f"sets-{key}", 0, MAX_SETS, errors)
        if sets == 0 and f"sets-{key}" not in errors:
            continue  # not done this time
        reps = whole_number(form.get(f"reps-{key}"), f"reps-{key}", 1, MAX_REPS, errors)
        load = load_in_kg(form.get(f"load-{key}"), f"load-{key}", errors)
        pain = whole_number(form.get(f"pain-{key}"), f"pain-{key}", 0, MAX_PAIN, errors)
        checked.entries.append(
            DrillLog(
                plan_drill_id=key, name=step.drill_name, sets=sets, reps=reps,
                load_kg=load if step.ladder.kind != "drill" or load else None, pain=pain,
            )
        )  # fmt: skip
    checked.note = (form.get("note") or "").strip()
    if len(checked.note) > 2000:
        errors["note"] = "Please keep the note under 2,000 characters."
    if not checked.entries and not checked.red_flags and not errors:
        errors["form"] = "Please fill in at least one drill: the pain during it, at least."
    return (None, errors) if errors else (checked, {})


def store_session(client: Client, plan_id: int | None, checked: LogInput) -> SessionLog:
    """Store the session in one transaction; a red flag holds progression and tells the coach."""
    record = SessionLog(
        client_id=client.id,
        plan_id=plan_id,
        performed_on=checked.performed_on,
        red_flags=",".join(checked.red_flags),
        note=checked.note,
        entries=checked.entries,
    )
    db.session.add(record)
    if checked.red_flags:
        client.flag_open = True
        client.flagged_at = utcnow()
        queue_email(
            "me-red-flag-coach",
            current_app.config["COACH_EMAIL"],
            f"Red flag reported by {client.email}",
            "me_red_flag_coach",
            reply_to=client.email,
            about=client.email,
            client=client,
            flags=[RED_FLAGS[key] for key in checked.red_flags],
            performed_on=checked.performed_on,
            link=absolute_url("studio.client_detail", client_id=client.id),
        )
    db.session.commit()
    return record


def morning_pending(
    client: Client, today: date, latest_known: list[SessionLog] | None = None
) -> SessionLog | None:
    """The latest session done before today whose next morning has not been answered.

    `latest_known`: the client's latest session (as a one-item list) if the caller has it."""
    if latest_known is not None:
        latest = latest_known[0] if latest_known else None
    else:
        latest = db.session.scalar(
            select(SessionLog)
            .where(SessionLog.client_id == client.id)
            .order_by(SessionLog.performed_on.desc(), SessionLog.id.desc())
            .limit(1)
        )
    if latest is None or latest.performed_on >= today or latest.morning_compared is not None:
        return None
    return latest


def read_morning_form(form: Any) -> tuple[tuple[int, str] | None, dict[str, str]]:
    """(pain next morning, compared with before), or a message per refused field."""
    errors: dict[str, str] = {}
    pain = whole_number(form.get("morning_pain"), "morning_pain", 0, MAX_PAIN, errors)
    compared = form.get("morning_compared") or ""
    if compared not in MORNING_ANSWERS:
        errors["morning_compared"] = "Please choose how it compared with before the session."
    return (None, errors) if errors else ((pain, compared), {})


def logged_today(now: datetime) -> date:
    """Today's date by the app's clock (sessions are dated in UTC days)."""
    return now.date()
