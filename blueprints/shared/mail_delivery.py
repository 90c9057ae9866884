"""Delivering the outbox: claim a batch of due rows, send them on one Flask-Mail connection.

One pass (`deliver_due`) costs one claim transaction for the whole batch, one SMTP connection,
one short UPDATE per accepted message (marking it sent right after the server said 250, so the
crash window stays one message wide), and one transaction at the end recording failures and
handing back what was not tried. See the outbox module's docstring for the guarantees.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import and_, or_, select, update

from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.mail_message import (
    CheckedMessage,
    close_connection,
    compose,
    open_connection,
    sender_address,
)
from blueprints.shared.models import OutboxMessage

if TYPE_CHECKING:
    from flask_mail import Connection

log = logging.getLogger("blueprints.shared.outbox")

# 30 s doubling to a 6-hour ceiling: 14 attempts keep trying for over a day (about 26 h), so
# a mail server that is down overnight loses nothing.
MAX_ATTEMPTS = 14
MAX_RETRY_SECONDS = 6 * 3600
BATCH_SIZE = 50
# SMTP replies after which the connection cannot carry the next message.
CONNECTION_GONE_CODES = {421}


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass
class _Failure:
    message_id: int
    reason: str
    permanent: bool


def deliver_due(batch_size: int = BATCH_SIZE) -> DeliveryReport:
    """Deliver up to `batch_size` due messages over one SMTP connection; returns the counts.

    A server that cannot be reached (refused, silent, hung up) ends the pass after that one
    attempt: the other claimed rows are handed back untried, due at once, rather than each
    waiting MAIL_TIMEOUT.
    """
    claimed_until, ids = _claim_batch(batch_size)
    if not ids:
        return DeliveryReport()
    started = time.monotonic()
    lease = current_app.config["MAIL_CLAIM_LEASE_SECONDS"]
    batch = [
        (row.id, _email_fields(row))
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        )
    ]
    db.session.commit()  # hold no transaction open while talking to the SMTP server
    failures: list[_Failure] = []
    sent = 0
    untried = [message_id for message_id, _ in batch]
    try:
        for sent_ok, message_id in _send_batch(batch, failures, started, lease):
            untried.remove(message_id)
            if sent_ok:
                _mark_sent(message_id)
                sent += 1
    finally:
        outcomes = _record_failures(failures, untried, claimed_until)
    return DeliveryReport(sent, outcomes.count("retry"), outcomes.count("failed"))


def _send_batch(
    batch: list[tuple[int, dict[str, Any]]], failures: list[_Failure], started: float, lease: float
) -> Any:
    """Compose and send each email on one Flask-Mail connection; yields (accepted, id) for each
    tried. Each is composed just before it is sent, so none is written for nothing when the
    batch stops early."""
    if not batch:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    connection = None
    if app.config.get("MAIL_SERVER"):
        sender = sender_address()
        try:
            connection = open_connection(app)
        except (smtplib.SMTPException, OSError) as error:
            failures.append(_Failure(batch[0][0], _reason(error), permanent=False))
            yield False, batch[0][0]
            return
    try:
        for index, (message_id, fields) in enumerate(batch):
            # Leave at least half the lease for the last message, so no other sender can
            # claim a row while this one may still be sending it.
            if index and time.monotonic() - started > lease / 2:
                return
            try:
                message = compose(**fields, date=utcnow())
            except Exception as error:  # a row no email can be made from must not stall the queue
                log.exception("outbox message %s cannot be composed", message_id)
                failures.append(_Failure(message_id, f"cannot compose: {error!r}", permanent=True))
                yield False, message_id
                continue
            if connection is None:
                log.info(
                    "MAIL_SERVER is not set; logging instead of sending:\n%s", message.raw.decode()
                )
                yield True, message_id
                continue
            failure, connection_gone = _send_one(connection, sender, message, message_id)
            if failure is not None:
                failures.append(failure)
            yield failure is None, message_id
            if connection_gone:
                return  # the rest wait, untried, for the next pass
    finally:
        # Once the server has accepted a message it counts as sent: a dropped QUIT must not
        # turn into a retry and a duplicate.
        if connection is not None:
            close_connection(connection)


def _send_one(
    connection: Connection, sender: str, message: CheckedMessage, message_id: int
) -> tuple[_Failure | None, bool]:
    """(None if the server accepted the message else why not, whether the connection is gone)."""
    try:
        connection.send(message, envelope_from=sender)
    except smtplib.SMTPServerDisconnected as error:
        return _Failure(message_id, _reason(error), permanent=False), True
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        permanent = all(500 <= code < 600 for code in codes)
        return _Failure(message_id, f"recipients refused: {codes}", permanent), False
    except smtplib.SMTPResponseException as error:
        reason = f"{error.smtp_code} {error.smtp_error!r}"
        permanent = 500 <= error.smtp_code < 600
        return _Failure(message_id, reason, permanent), error.smtp_code in CONNECTION_GONE_CODES
    except smtplib.SMTPException as error:  # the settings may yet be fixed
        return _Failure(message_id, _reason(error), permanent=False), False
    except OSError as error:  # after the SMTP errors: SMTPException is an OSError too
        return _Failure(message_id, _reason(error), permanent=False), True
    except Exception as error:
        log.exception("outbox message %s cannot be sent", message_id)
        return _Failure(message_id, _reason(error), permanent=True), False
    return None, False


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _due(now: datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )


def _claim_batch(limit: int) -> tuple[datetime, list[int]]:
    """Mark up to `limit` due rows as being sent by us until the lease runs out, in one go."""
    now = utcnow()
    claimed_until = now + timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE_SECONDS"])
    with serialized_write("outbox") as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
            )
        )
        if ids:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(status="sending", claimed_until=claimed_until)
                .execution_options(synchronize_session=False)
            )
    return claimed_until, ids


def _claim_next() -> int | None:
    """Claim the one next due row (what a sender that dies mid-send leaves behind)."""
    return next(iter(_claim_batch(1)[1]), None)


def _mark_sent(message_id: int) -> None:
    """Record one acceptance at once, in its own short write: the crash window is one message.

    A Core UPDATE on the table, not the ORM's bulk path: a quarter less CPU, once per email."""
    table = OutboxMessage.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == message_id)
        .values(
            status="sent",
            sent_at=utcnow(),
            claimed_until=None,
            attempts=table.c.attempts + 1,
            last_error=None,
        )
    )
    db.session.commit()


def _record_failures(
    failures: list[_Failure], untried: list[int], claimed_until: datetime
) -> list[str]:
    """Schedule retries or give up, and hand back untried rows, in one transaction."""
    if not failures and not untried:
        return []
    outcomes = []
    first = current_app.config["MAIL_RETRY_FIRST_SECONDS"]
    with serialized_write("outbox") as session:
        for failure in failures:
            row = session.get(OutboxMessage, failure.message_id)
            if row is None:
                continue
            row.attempts += 1
            row.last_error = failure.reason[:1000]
            row.claimed_until = None
            if failure.permanent or row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
            else:
                delay = min(first * 2 ** (row.attempts - 1), MAX_RETRY_SECONDS)
                row.status = "pending"
                row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            outcomes.append("failed" if row.status == "failed" else "retry")
            log.warning(
                "outbox message %s not sent (%s): %s",
                failure.message_id,
                outcomes[-1],
                failure.reason,
            )
        if untried:  # still ours (the lease has not been taken over): due again at once
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(untried),
                    OutboxMessage.status == "sending",
                    OutboxMessage.claimed_until == claimed_until,
                )
                .values(status="pending", claimed_until=None)
                .execution_options(synchronize_session=False)
            )
    return outcomes


def _email_fields(row: OutboxMessage) -> dict[str, Any]:
    """What `mail_message.compose` needs from a row, read while its transaction is open."""
    return {
        "sender": current_app.config["MAIL_DEFAULT_SENDER"],
        "to": row.to_addr,
        "reply_to": row.reply_to,
        "subject": row.subject,
        "text": row.body_text,
        "html": row.body_html,
        "attachments": row.attachments,
        "extra_headers": row.headers,
        "message_id": row.message_id,  # stable across retries, so a duplicate is recognisable
    }
