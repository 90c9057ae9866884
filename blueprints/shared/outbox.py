"""The mail outbox: every email is a row first, delivered after the commit, exactly once.

`queue_email()` adds a row to the caller's transaction, so an email exists if and only if what it
is about was stored. After the commit a background thread (one per process) is woken to deliver
due rows; `flask send-mail` does the same from cron. Rows are claimed one at a time under a lease,
so several gunicorn workers never send the same row, and a row is marked sent in its own commit
right after the SMTP server accepts it, so a retry never follows a successful send (not even when
the connection drops after the server said yes). A worker that dies mid-send leaves a claim that
expires after the lease (MAIL_CLAIM_LEASE_SECONDS); the row is then retried with the same
Message-ID (at-least-once in that one crash window, never otherwise).
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app, render_template
from flask_mail import Attachment, Message, sanitize_address
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape
from sqlalchemy import and_, event, or_, select
from sqlalchemy.orm import Session

from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.urls import mail_domain

log = logging.getLogger(__name__)

# 30 s doubling to a 6-hour ceiling: 14 attempts keep trying for over a day (about 26 h), so
# a mail server that is down overnight loses nothing.
URL_IN_TEXT = re.compile(r"(https?://[^\s<>\"']+)")
MAX_ATTEMPTS = 14
MAX_RETRY_SECONDS = 6 * 3600
POLL_SECONDS = 30.0


def queue_email(
    kind: str,
    to: str,
    subject: str,
    template: str,
    *,
    reply_to: str | None = None,
    about: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Add an email to the current transaction; it is sent only if that transaction commits.

    `template` names `templates/email/<template>.txt` (required) and `.html` (optional: without
    it the text is laid out in the shared HTML layout, so every email has both parts).
    `about` is the address of the person the email concerns, for erasure.
    `headers` are extra headers (List-Unsubscribe...); a value with a line break is refused.
    """
    if headers and any(set(f"{k}{v}") & {"\r", "\n"} for k, v in headers.items()):
        raise ValueError("a header contains a line break")
    message = OutboxMessage(
        kind=kind,
        to_addr=_checked_address(to),
        reply_to=_checked_address(reply_to) if reply_to else None,
        subject=" ".join(subject.split())[:300],  # no CR/LF can reach the header
        body_text=(text := render_template(f"email/{template}.txt", **context)),
        body_html=_render_optional(f"email/{template}.html", {"subject": subject, **context})
        or html_from_text(text, subject),
        attachments=attachments or [],
        headers=headers or None,
        subject_email=(about or to).lower(),
        message_id=f"<{uuid.uuid4().hex}@{mail_domain()}>",
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.info["outbox_wake"] = True
    return message


def html_from_text(text: str, subject: str) -> str:
    """The plain text in the shared HTML layout: paragraphs kept, line breaks kept, links live."""
    paragraphs = [_linked(block) for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return render_template("email/_from_text.html", paragraphs=paragraphs, subject=subject)


def _linked(block: str) -> Markup:
    parts = []
    for piece in URL_IN_TEXT.split(block):
        if URL_IN_TEXT.fullmatch(piece):
            parts.append(Markup('<a href="{0}">{0}</a>').format(piece))
        else:
            parts.append(Markup("<br>").join(escape(line) for line in piece.split("\n")))
    return Markup("").join(parts)


def _checked_address(address: str) -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"not an email address: {address!r}") from error


def _render_optional(template: str, context: dict[str, Any]) -> str | None:
    try:
        return render_template(template, **context)
    except TemplateNotFound:
        return None


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(batch_size: int = 50) -> DeliveryReport:
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
        log.exception("outbox message %s cannot be composed", message_id)
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
        log.exception("outbox message %s cannot be sent", message_id)
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
    log.warning("outbox message %s not sent (%s): %s", message_id, outcome, reason)
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
    message.extra_headers = dict(row.headers or {})
    message.msgId = row.message_id  # stable across retries, so a duplicate is recognisable
    return message


def _send(message: Message, recipient: str) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("MAIL_SERVER is not set; logging instead of sending:\n%s", message.as_string())
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


def _connect(config: Any) -> smtplib.SMTP:
    """An SMTP connection from the app's config; every socket operation bounded by MAIL_TIMEOUT.

    (Flask-Mail's own Connection is not used: it reads settings the app factory never gives
    it, has no timeout, and raises from QUIT after a successful send.)
    """
    server, port, timeout = (
        config["MAIL_SERVER"],
        config.get("MAIL_PORT", 25),
        config["MAIL_TIMEOUT"],
    )
    host: smtplib.SMTP
    if config.get("MAIL_USE_SSL"):
        host = smtplib.SMTP_SSL(server, port, timeout=timeout)
    else:
        host = smtplib.SMTP(server, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS"):
            host.starttls()
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        host.close()
        raise
    return host


class BackgroundSender:
    """One daemon thread per process that drains the outbox when woken, and every so often."""

    def __init__(self, app: Flask, poll_seconds: float = POLL_SECONDS) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        """Ask for a delivery pass soon; starts the thread on first use."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (tests and shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                break
            with self.app.app_context():
                try:
                    while deliver_due().sent:
                        pass
                except Exception:
                    log.exception("outbox delivery pass failed")
                finally:
                    db.session.remove()


def init_app(app: Flask) -> None:
    """Attach the background sender and wake it after every commit that queued mail."""
    app.extensions["outbox_sender"] = BackgroundSender(app)
    for name, listener in (
        ("after_commit", _wake_sender_after_commit),
        ("after_rollback", _forget_wake_after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _wake_sender_after_commit(session: Session) -> None:
    if not session.info.pop("outbox_wake", False):
        return
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    except RuntimeError:
        return
    if app.config.get("MAIL_BACKGROUND_SENDER"):
        app.extensions["outbox_sender"].wake()


def _forget_wake_after_rollback(session: Session) -> None:
    session.info.pop("outbox_wake", None)
