"""The coach's week at a glance: today's and the next days' consultations by day in her zone,
the past week's sessions to mark, and the red flags that need her before anything else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.me.models import Client, SessionLog
from blueprints.programs.models import Signup
from blueprints.shared.clock import coach_local_to_utc, utc_to_coach_local
from blueprints.shared.extensions import db

WEEK_DAYS = 7
PAST_DAYS = 7
ALERT_LIMIT = 20


@dataclass
class ConsultationDay:
    """One day of the coach's week and its consultations, soonest first."""

    day: date
    is_today: bool
    bookings: list[Booking] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'Today', else 'Tuesday 8 December'."""
        return "Today" if self.is_today else f"{self.day:%A} {self.day.day} {self.day:%B}"


@dataclass
class FlaggedClient:
    """A client with an open red flag and the session log that raised it."""

    client: Client
    name: str
    session: SessionLog | None


def _day_start(day: date) -> datetime:
    """The UTC instant the coach's `day` begins (midnight in her zone)."""
    return coach_local_to_utc(datetime.combine(day, time()))


def week_ahead(now: datetime, days: int = WEEK_DAYS) -> list[ConsultationDay]:
    """Today and the following days in the coach's zone, each with its confirmed consultations."""
    today = utc_to_coach_local(now).date()
    week = [ConsultationDay(today + timedelta(days=n), n == 0) for n in range(days)]
    by_day = {entry.day: entry for entry in week}
    bookings = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.enquiry))
        .where(
            Booking.status == "confirmed",
            Booking.starts_at >= _day_start(today),
            Booking.starts_at < _day_start(today + timedelta(days=days)),
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    for booking in bookings:
        local_day = utc_to_coach_local(booking.starts_at).date()
        if local_day in by_day:
            by_day[local_day].bookings.append(booking)
    return week


def past_sessions(now: datetime, days: int = PAST_DAYS) -> list[Booking]:
    """Confirmed consultations that started in the last `days` days, newest first, to mark."""
    return list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.enquiry))
            .where(
                Booking.status == "confirmed",
                Booking.starts_at < now,
                Booking.starts_at >= now - timedelta(days=days),
            )
            .order_by(Booking.starts_at.desc(), Booking.id.desc())
        )
    )


def red_flag_enquiries() -> list[Enquiry]:
    """New enquiries whose sender answered yes to a red flag (nothing was booked), newest first."""
    return list(
        db.session.scalars(
            select(Enquiry)
            .where(Enquiry.status == "new", Enquiry.red_flags != "")
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
            .limit(ALERT_LIMIT)
        )
    )


def flagged_clients() -> list[FlaggedClient]:
    """Clients whose log reported a red flag the coach has not cleared, newest flag first.

    Three queries whatever the count: the clients, their flagged logs, and the names they gave.
    """
    clients = db.session.scalars(
        select(Client)
        .where(Client.flag_open.is_(True))
        .order_by(Client.flagged_at.desc(), Client.id.desc())
        .limit(ALERT_LIMIT)
    ).all()
    if not clients:
        return []
    latest: dict[int, SessionLog] = {}
    for session in db.session.scalars(
        select(SessionLog)
        .where(SessionLog.client_id.in_([c.id for c in clients]), SessionLog.red_flags != "")
        .order_by(SessionLog.logged_at, SessionLog.id)
    ):
        latest[session.client_id] = session  # the last one read is the newest
    names = _names_for([client.email for client in clients])
    return [
        FlaggedClient(client, names.get(client.email, client.email), latest.get(client.id))
        for client in clients
    ]


def _names_for(emails: list[str]) -> dict[str, str]:
    """The newest name each address gave on an enquiry or, better, a program signup."""
    names: dict[str, str] = {}
    for model in (Enquiry, Signup):  # a signup's name, read last, wins
        for email, name in db.session.execute(
            select(model.email, model.name).where(model.email.in_(emails)).order_by(model.id)
        ):
            names[email] = name
    return names
