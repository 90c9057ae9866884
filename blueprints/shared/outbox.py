"""The mail outbox: every email is a row first, delivered after the commit, exactly once.

Queueing
--------
`queue_email(kind, to, subject, template, *, reply_to=None, about=None, attachments=None,
headers=None, **context)` adds a row to the caller's transaction, so an email exists if and only
if what it is about was stored. `template` names templates/email/<template>.txt (and optionally
.html; without it the text is laid out in the shared HTML layout). `about` is the person the
email concerns (for erasure). `headers` adds extra headers, e.g. for a newsletter::

    queue_email("newsletter", reader.email, issue.title, "newsletter", issue=issue,
                headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                         "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})

Header names must be on the allow-list `blueprints.shared.mail_headers.EXTRA_HEADERS`
(List-Unsubscribe, List-Unsubscribe-Post, List-Id, List-Help, Auto-Submitted, Precedence,
In-Reply-To, References, X-Auto-Response-Suppress; any case) and values one line of printable
ASCII without `=?`, at most 900 characters; anything else raises ValueError before a row is
written. They are stored on the row (`outbox_message.headers`, JSON) and written on every
attempt.

`queue_emails_bulk(emails)` takes an iterable of `Email(kind, to, subject, template, reply_to,
about, attachments, headers, context)` and inserts them into the current transaction 500 rows
per statement (5,000 newsletter emails: ten INSERTs, no ORM objects); it returns the count and
validates every email exactly like `queue_email` (one bad address raises; roll back).

Visitor text in a subject is neutralised (control characters and line breaks become spaces,
the encoded-word opener `=?` becomes `= ?`) by `blueprints.shared.mail_headers` before
Flask-Mail writes the message (`mail_message`), and the header block it wrote is checked before
it is sent, so no header value can carry CR/LF after encoding or decoding (CVE-2024-6923).

Delivering
----------
After a commit that queued mail, a background thread (one per process) is woken; `flask
send-mail` does the same from cron. Each pass (`deliver_due`, in mail_delivery.py) claims a
batch of due rows in one transaction under a lease (MAIL_CLAIM_LEASE_SECONDS), so several
gunicorn workers never send the same row, sends them on one Flask-Mail connection, and marks each
sent in its own short UPDATE right after the server accepts it, so a retry never follows a
successful send (not even when the connection drops after the server said yes). Failures and
the rows it did not get to are recorded in one transaction at the end: a refused message backs
off (30 s doubling to 6 h, 14 attempts), a dropped connection ends the pass and hands the
untried rows back, due at once. A batch stops taking new messages after half the lease, so a
claim never runs out while its sender is still at work. A worker that dies mid-send leaves a
claim that expires after the lease; the row it was sending is then retried with the same
Message-ID: at-least-once in that one crash window (one message), never otherwise.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app, render_template
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from blueprints.shared.background import BackgroundWorker
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.mail_delivery import MAX_ATTEMPTS as MAX_ATTEMPTS
from blueprints.shared.mail_delivery import MAX_RETRY_SECONDS as MAX_RETRY_SECONDS
from blueprints.shared.mail_delivery import DeliveryReport as DeliveryReport
from blueprints.shared.mail_delivery import _claim_next as _claim_next
from blueprints.shared.mail_delivery import deliver_due
from blueprints.shared.mail_headers import checked_extra_headers, header_text
from blueprints.shared.models import OutboxMessage
from blueprints.shared.urls import mail_domain

log = logging.getLogger(__name__)

URL_IN_TEXT = re.compile(r"(https?://[^\s<>\"']+)")
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
    `about` is the address of the person the email concerns, for erasure. `headers` adds
    extra headers from EXTRA_HEADERS (e.g. List-Unsubscribe); a value must be one line.
    """
    email = Email(kind, to, subject, template, reply_to, about, attachments, headers, context)
    message = OutboxMessage(**_row_values(email))
    db.session.add(message)
    db.session.info["outbox_wake"] = True
    return message


@dataclass(frozen=True)
class Email:
    """One email for `queue_emails_bulk`: the same fields as `queue_email`'s arguments."""

    kind: str
    to: str
    subject: str
    template: str
    reply_to: str | None = None
    about: str | None = None
    attachments: list[dict[str, str]] | None = None
    headers: dict[str, str] | None = None
    context: dict[str, Any] = field(default_factory=dict)


def queue_emails_bulk(emails: Iterable[Email], chunk_size: int = 500) -> int:
    """Add many emails to the current transaction with multi-row INSERTs; returns how many.

    Every email is rendered and checked exactly as `queue_email` does (a bad one raises before
    anything is written, so the caller's transaction can roll back whole). Rows are inserted
    `chunk_size` at a time without loading them back as objects: 5,000 emails take a few
    statements, not 5,000 flushes.
    """
    count = 0
    chunk: list[dict[str, Any]] = []
    for email in emails:
        chunk.append(_row_values(email))
        if len(chunk) >= chunk_size:
            count += _insert_rows(chunk)
            chunk = []
    count += _insert_rows(chunk)
    if count:
        db.session.info["outbox_wake"] = True
    return count


def _insert_rows(values: list[dict[str, Any]]) -> int:
    if values:
        db.session.execute(insert(OutboxMessage), values)
    return len(values)


def _row_values(email: Email) -> dict[str, Any]:
    """The column values of a pending row for `email`, rendered and validated."""
    to_addr = _checked_address(email.to)  # addresses first: a bad one fails before rendering
    reply_to = _checked_address(email.reply_to) if email.reply_to else None
    headers = checked_extra_headers(email.headers) or None
    text = render_template(f"email/{email.template}.txt", **email.context)
    html = _render_optional(
        f"email/{email.template}.html", {"subject": email.subject, **email.context}
    )
    now = utcnow()
    return {
        "kind": email.kind,
        "to_addr": to_addr,
        "reply_to": reply_to,
        "subject": header_text(email.subject)[:300],
        "body_text": text,
        "body_html": html or html_from_text(text, email.subject),
        "attachments": list(email.attachments or []),
        "headers": headers,
        "subject_email": (email.about or email.to).lower(),
        "message_id": f"<{uuid.uuid4().hex}@{mail_domain()}>",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


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


def _deliver_until_nothing_is_due(keep_going: Callable[[], bool]) -> None:
    while keep_going() and deliver_due().sent:
        pass


def init_app(app: Flask) -> None:
    """Attach the background sender and wake it after every commit that queued mail."""
    app.extensions["outbox_sender"] = BackgroundWorker(
        app, "outbox-sender", _deliver_until_nothing_is_due, POLL_SECONDS
    )
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
