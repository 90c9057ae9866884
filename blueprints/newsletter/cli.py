"""`flask send-newsletters`: the cron side of the newsletter."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from blueprints.newsletter.sending import BATCH_SIZE, queue_due_sends
from blueprints.newsletter.subscriptions import CONFIRM_DAYS, forget_unconfirmed


@click.command("send-newsletters")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep going every few seconds until stopped.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, help="Emails per commit.")
def send_newsletters_command(loop: bool, interval: float, batch_size: int) -> None:
    """Queue articles due to go to subscribers; forget addresses unconfirmed after 7 days.

    Run it from cron beside `flask send-mail` (which delivers what this queues): it catches
    scheduled articles whose time has come and finishes a send a crashed process left halfway.
    """
    while True:
        forgotten = forget_unconfirmed()
        queued = queue_due_sends(batch_size)
        click.echo(
            f"queued {queued} newsletter emails; forgot {forgotten} addresses "
            f"unconfirmed after {CONFIRM_DAYS} days"
        )
        if not loop:
            break
        time.sleep(interval)
