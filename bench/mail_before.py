"""The outbox's delivery as it was before batching, kept only so bench/mail.py can compare.

One row claimed per transaction, composed by Flask-Mail, sent on its own SMTP connection, and
marked sent in a second transaction: two write transactions and one connection per email.
(Copied from blueprints/shared/outbox.py at commit 071dbad; not used by the site.)
"""

from __future__ import annotations

import contextlib
import smtplib
from datetime import timedelta

from flask import current_app
from flask_mail import Attachment, Message, sanitize_address
from sqlalchemy import and_, or_, select

from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.mail_delivery import (
    MAX_ATTEMPTS,
    MAX_RETRY_SECONDS,
    DeliveryReport,
    _connect,
)
from blueprints.shared.models import OutboxMessage


def old_deliver_due(batch_size: int = 50) -> DeliveryReport:
    """Deliver up to `batch_size` due messages, claiming one at a time; returns the counts.

    A server that cannot be reached (refused, silent, hung up) ends the pass after that one
    attempt: the other due rows wait for the next pass rather than each waiting MAIL_TIMEOUT.
    """
    sent = retrying = failed = 0
    for _ in range(batch_size):
        message_id = _claim_next()
        if message_id is None:
            break
        outcome, reachable = _deliver_one(message_id)
        sent += outcome == "sent"
        retrying += outcome == "retry"
        failed += outcome == "failed"
        if not reachable:
            break
    return DeliveryReport(sent, retrying, failed)


def _claim_next() -> int | None:
    # One row per claim, so a lease only ever has to outlast a single send.
    now = utcnow()
    due = or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )
    with serialized_write("outbox") as session:
        row = session.scalars(
            select(OutboxMessage).where(due).order_by(OutboxMessage.id).limit(1)
        ).first()
        if row is None:
            return None
        row.status = "sending"
        lease = current_app.config["MAIL_CLAIM_LEASE_SECONDS"]
        row.claimed_until = now + timedelta(seconds=lease)
        return row.id


def _deliver_one(message_id: int) -> tuple[str, bool]:
    """Send one claimed row; (outcome, whether the SMTP server could be reached)."""
    row = db.session.get(OutboxMessage, message_id)
    if row is None or row.status != "sending":
        db.session.commit()
        return "skipped", True
    recipient = row.to_addr
    try:
        message = _compose(row)
    except Exception as error:  # a row no email can be made from must not stall the queue
        db.session.commit()
        pass
        return _record_failure(message_id, f"cannot compose: {error!r}", permanent=True), True
    db.session.commit()  # hold no transaction open while talking to the SMTP server
    try:
        _send(message, recipient)
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError) as error:
        reason = f"{type(error).__name__}: {error}"
        return _record_failure(message_id, reason, permanent=False), False
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        reason = f"{error.smtp_code} {error.smtp_error!r}"
        return _record_failure(message_id, reason, permanent), True
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        permanent = all(500 <= code < 600 for code in codes)
        return _record_failure(message_id, f"recipients refused: {codes}", permanent), True
    except smtplib.SMTPException as error:  # e.g. no STARTTLS: the settings may yet be fixed
        return _record_failure(message_id, f"{type(error).__name__}: {error}", False), True
    except Exception as error:
        pass
        return _record_failure(message_id, f"{type(error).__name__}: {error}", True), True
    with serialized_write("outbox") as session:
        row = session.get(OutboxMessage, message_id)
        if row is not None:
            row.status = "sent"
            row.sent_at = utcnow()
            row.claimed_until = None
            row.attempts += 1
            row.last_error = None
    return "sent", True


def _record_failure(message_id: int, reason: str, permanent: bool) -> str:
    with serialized_write("outbox") as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            return "skipped"
        row.attempts += 1
        row.last_error = reason[:1000]
        row.claimed_until = None
        if permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            outcome = "failed"
        else:
            first = current_app.config["MAIL_RETRY_FIRST_SECONDS"]
            delay = min(first * 2 ** (row.attempts - 1), MAX_RETRY_SECONDS)
            row.status = "pending"
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            outcome = "retry"

    return outcome


def _compose(row: OutboxMessage) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[row.to_addr],
        body=row.body_text,
        html=row.body_html,
        reply_to=row.reply_to,
        attachments=[
            Attachment(
                filename=item["filename"],
                content_type=item["content_type"],
                data=item["content"].encode(),
            )
            for item in row.attachments or []
        ],
    )
    message.msgId = row.message_id  # stable across retries, so a duplicate is recognisable
    return message


def _send(message: Message, recipient: str) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return
    if message.has_bad_headers():
        raise ValueError("a header contains a line break")
    payload = message.as_bytes()
    host = _connect(config)
    try:
        host.sendmail(sanitize_address(message.sender), [recipient], payload)
    finally:
        # Once the server has accepted the message it counts as sent: a dropped QUIT must not
        # turn into a retry and a duplicate.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            host.quit()
