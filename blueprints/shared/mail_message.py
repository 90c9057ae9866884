"""An outbox row as a Flask-Mail `Message`, and Flask-Mail's connection to send a batch on.

Flask-Mail 0.10 composes: multipart/mixed holding multipart/alternative (text/plain, then
text/html), then the attachments (the booking's `.ics` as `text/calendar; method=...`, base64),
From, To, Reply-To, Subject, Date, Message-ID and the extra headers. What we add around it:

- `mail_headers` in front (the header sanitiser and the allow-list of extra headers) and its
  `check_header_block` on the bytes that leave;
- bodies in quoted-printable: importing flask_mail makes the email package write UTF-8 bodies
  as raw 8bit, a paragraph on one line of any length, and an SMTP server must refuse a line over
  998 octets (RFC 5321 4.5.3.1.6; aiosmtpd answers "500 Line too long"). A Charset of our own
  passed as the Message's `charset` changes that for our messages only;
- the bytes written once per message (`WirePolicy`, `WireGenerator`: compat32 with CRLF, no
  refolding). Flask-Mail's own `as_bytes()` uses `policy.SMTP`, which re-parses every header of
  every part while writing (4-5 times the time), turns a List-Unsubscribe longer than 78
  characters into an encoded-word no RFC 8058 client reads, and folds with the code
  CVE-2024-6923 was in. Without
  refolding a header keeps the lines Flask-Mail gave it (a non-ASCII subject is folded by it) and
  no line can pass 998 octets: subjects are cut at 300 characters, extra headers at 900;
- the SMTP host of `mail.connect()`'s connection opened by `open_connection()`: 0.10 opens it
  without a timeout (pallets-eco/flask-mail#114), so a silent server would hold the sender
  forever, and its `__exit__` raises from a QUIT after the server accepted everything.

(Flask-Mail's `Message()` also makes a Message-ID of its own with `socket.getfqdn()`, which we
replace by the row's: a host whose name is not in /etc/hosts pays a DNS lookup per email.)

The `Mail` extension itself is registered by `create_app` (blueprints/shared/extensions.py).
"""

from __future__ import annotations

import calendar
import contextlib
import email.charset
import io
import re
import smtplib
import uuid
from collections.abc import Iterable
from datetime import datetime
from email.generator import BytesGenerator
from email.policy import Compat32
from typing import Any

from flask import Flask, current_app
from flask_mail import Attachment, Connection, Message

from blueprints.shared.extensions import mail
from blueprints.shared.mail_headers import (
    check_header_block,
    checked_extra_headers,
    envelope_address,
    header_text,
    parse_sender,
)

UTF8_QUOTED_PRINTABLE = email.charset.Charset("utf-8")
UTF8_QUOTED_PRINTABLE.body_encoding = email.charset.QP


class WirePolicy(Compat32):
    """compat32 with CRLF that writes each header line as Flask-Mail left it: ASCII (it encodes
    anything else), folded by it where it folds. The stock folding runs every value through
    `email.header.Header` again, a third of the time spent composing a message."""

    linesep = "\r\n"
    max_line_length = None

    def fold_binary(self, name: str, value: Any) -> bytes:
        """`Name: value` CRLF; anything but a plain ASCII string goes to compat32's folding."""
        if isinstance(value, str) and value.isascii() and "\r" not in value:
            return f"{name}: {value}".replace("\n", "\r\n").encode("ascii") + b"\r\n"
        return super().fold_binary(name, value)


WIRE = WirePolicy()


class WireGenerator(BytesGenerator):
    """The email package's generator with boundaries that need no search of the text: "=_" and
    a random token. Quoted-printable writes "=" only before two hex digits or a line end and
    base64 only as padding, so no body line (every part here is one or the other) can start with
    "--=_". The stock way compiles a regular expression per multipart to search the whole text
    for its random boundary, a quarter of the time spent composing a message."""

    @classmethod
    def _make_boundary(cls, text: str | None = None) -> str:
        return f"=_{uuid.uuid4().hex}"


RFC2045_CHARS = r"[A-Za-z0-9!#$&^_.+-]+"
CONTENT_TYPE = re.compile(
    rf"{RFC2045_CHARS}/{RFC2045_CHARS}(?:;\s*{RFC2045_CHARS}=(?:{RFC2045_CHARS}|\"[\x20-\x21\x23-\x7e]*\"))*"
)
MESSAGE_ID = re.compile(r"<[!-;=?-~]+>")
ALWAYS = ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type")


class CheckedMessage(Message):
    """Flask-Mail's Message, written once: `as_bytes()` checks the header block and keeps it,
    so `Connection.send` sends exactly the bytes that were checked."""

    def __init__(self, *, expected_headers: Iterable[str], **fields: Any) -> None:
        super().__init__(**fields)
        self.expected_headers = [*ALWAYS, *expected_headers]
        self.raw: bytes | None = None

    def as_bytes(self) -> bytes:
        """The message for SMTP DATA (CRLF lines), checked."""
        if self.raw is None:
            out = io.BytesIO()
            WireGenerator(out, mangle_from_=False, policy=WIRE).flatten(self._message())
            raw = out.getvalue()
            check_header_block(raw, self.expected_headers)
            self.raw = raw
        return self.raw


def compose(
    *,
    sender: Any,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    date: datetime,
    reply_to: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> CheckedMessage:
    """The Message for one email, its bytes already written and checked (ValueError if not).

    `sender` is MAIL_DEFAULT_SENDER; `date` naive UTC; `message_id` stays the same on every
    attempt, so a duplicate is recognisable.
    """
    if not MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"bad Message-ID {message_id!r}")
    name, address = parse_sender(sender)
    headers = checked_extra_headers(extra_headers)
    message = CheckedMessage(
        expected_headers=[
            *headers,
            *(["Reply-To"] if reply_to else []),
            *([] if html or attachments else ["Content-Transfer-Encoding"]),  # text/plain alone
        ],
        subject=header_text(subject),
        sender=(header_text(name), envelope_address(address)),
        recipients=[envelope_address(to)],
        reply_to=envelope_address(reply_to) if reply_to else None,
        body=text,
        html=html,
        date=calendar.timegm(date.utctimetuple()),
        charset=UTF8_QUOTED_PRINTABLE,  # type: ignore[arg-type]  # a Charset works where a name does
        extra_headers=headers,
        attachments=[_attachment(item) for item in attachments or []],
    )
    message.msgId = message_id
    message.as_bytes()
    return message


def _attachment(item: dict[str, str]) -> Attachment:
    if not CONTENT_TYPE.fullmatch(item["content_type"]):
        raise ValueError(f"bad attachment content type {item['content_type']!r}")
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", item.get("filename") or "attachment")[:100]
    return Attachment(filename, item["content_type"], item["content"].encode())


def open_connection(app: Flask) -> Connection:
    """`mail.connect()`, its SMTP host open; every socket operation bounded by MAIL_TIMEOUT."""
    connection = mail.connect()
    connection.host = _smtp_host(app.config)
    return connection


def close_connection(connection: Connection) -> None:
    """QUIT and close; a server that already accepted a message cannot take it back by failing
    the QUIT, so that is not an error."""
    if connection.host is None:
        return
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.host.quit()
    connection.host.close()


def _smtp_host(config: Any) -> smtplib.SMTP:
    server, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
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


def sender_address() -> str:
    """MAIL_DEFAULT_SENDER's address, for the envelope (MAIL FROM)."""
    return envelope_address(parse_sender(current_app.config["MAIL_DEFAULT_SENDER"])[1])
