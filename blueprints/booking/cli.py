"""`flask send-reminders` (queue each due reminder once, then deliver) and `flask fetch-calendars`
(read the coach's calendars for busy times): both meant for a timer."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from blueprints.booking.bookings import queue_due_reminders
from blueprints.booking.calendars import fetch_all
from blueprints.shared.outbox import deliver_due


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind visitors of consultations starting soon (each booking once), then send mail."""
    queued = queue_due_reminders()
    report = deliver_due()
    click.echo(
        f"queued {queued} reminder{'s' if queued != 1 else ''}; "
        f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
    )


@click.command("fetch-calendars")
@with_appcontext
def fetch_calendars_command() -> None:
    """Read each of the coach's calendars once; a failing one keeps its last busy times."""
    report = fetch_all()
    click.echo(f"read {report.fetched}, failed {report.failed}")
