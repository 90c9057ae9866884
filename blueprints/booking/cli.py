"""`flask send-reminders`: queue each due reminder once, then deliver (meant for cron)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from blueprints.booking.bookings import queue_due_reminders
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
