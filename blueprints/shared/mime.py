"""Email messages composed by hand: every header line is written here, never by a mail library.

Why by hand: the standard library's header folding (and Flask-Mail on top of it) decodes RFC
2047 encoded-words and re-folds them, and before CVE-2024-6923 was fixed it wrote a decoded CR/LF
straight into the message. A visitor's name `=?utf-8?q?Eve=0D=0AReply-To:_a@evil.example?=` in a
subject became a real Reply-To header. So:

- visitor text for a header goes through `header_text()`: control characters, line and
  paragraph separators become spaces, whitespace collapses, and `=?` (the start of an
  encoded-word) becomes `= ?`, so no decoder anywhere downstream sees an encoded-word in it;
- `encode_header()` writes the value as printable ASCII folded at spaces, or, if it is not
  ASCII, as base64 encoded-words we make ourselves; either way each line is checked to hold no
  CR, LF or control character before it is joined with CRLF + space;
- `compose()` writes the whole message itself, the MIME parts included (their few headers carry
  fixed or checked values), then checks the header block it produced
  names exactly the headers it meant to write.

Structure: no attachments -> multipart/alternative (text/plain, then text/html); with
attachments -> multipart/mixed [multipart/alternative (text, html), attachment, ...].
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parseaddr
from typing import Any

# Extra headers a caller may add (queue_email(headers=...)); anything else is refused.
EXTRA_HEADERS = {
    name.lower(): name
    for name in (
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Id",
        "List-Help",
        "Auto-Submitted",
        "Precedence",
        "In-Reply-To",
        "References",
        "X-Auto-Response-Suppress",
    )
}
MAX_LINE = 78
MAX_EXTRA_VALUE = 900
# Bytes of UTF-8 per encoded-word: "=?utf-8?b?" + 60 base64 chars + "?=" is 72 <= 75.
WORD_BYTES = 45
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
RFC2045_CHARS = r"[A-Za-z0-9!#$&^_.+-]+"
CONTENT_TYPE = re.compile(
    rf"({RFC2045_CHARS})/({RFC2045_CHARS})((?:;\s*{RFC2045_CHARS}=(?:{RFC2045_CHARS}|\"[\x20-\x21\x23-\x7e]*\"))*)\s*"
)
PARAMETER = re.compile(rf";\s*({RFC2045_CHARS})=({RFC2045_CHARS}|\"[\x20-\x21\x23-\x7e]*\")")
ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
HEADER_LINE = re.compile(rb"([!-9;-~]+):")


def header_text(value: str) -> str:
    """Visitor text made safe for a header: one line, no control characters, no encoded-words."""
    spaced = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in value
    )
    return " ".join(spaced.split()).replace("=?", "= ?")


def checked_extra_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Extra headers with canonical names; ValueError for a name off the list or a bad value."""
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        canonical = EXTRA_HEADERS.get(str(name).lower())
        if canonical is None:
            raise ValueError(f"header not allowed: {name!r}")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"header {canonical} needs a text value")
        value = value.strip()
        if not PRINTABLE_ASCII.fullmatch(value) or "=?" in value:
            raise ValueError(f"header {canonical} must be one line of printable ASCII")
        if len(value) > MAX_EXTRA_VALUE:
            raise ValueError(f"header {canonical} is too long")
        checked[canonical] = value
    return checked


def encode_header(name: str, text: str) -> str:
    """`Name: value` as CRLF-folded printable ASCII: plain words, or base64 encoded-words."""
    text = header_text(text)
    if PRINTABLE_ASCII.fullmatch(text):
        words = text.split(" ")
    else:
        words = [_encoded_word(chunk) for chunk in _utf8_chunks(text)]
    return _folded(name, words)


def _utf8_chunks(text: str) -> list[str]:
    chunks, current, size = [], "", 0
    for char in text:
        width = len(char.encode())
        if size + width > WORD_BYTES:
            chunks.append(current)
            current, size = "", 0
        current, size = current + char, size + width
    return [*chunks, current] if current else chunks


def _encoded_word(chunk: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(chunk.encode()).decode('ascii')}?="


def _folded(name: str, words: list[str]) -> str:
    lines = [f"{name}:"]
    for word in words:
        if len(lines[-1]) + 1 + len(word) > MAX_LINE and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += " " + word
    for line in lines:
        if not PRINTABLE_ASCII.fullmatch(line) or len(line) > 998:
            raise ValueError(f"{name} header cannot be written safely")
    return "\r\n".join(lines)


def envelope_address(address: str) -> str:
    """The address as SMTP and headers carry it: an IDN domain in its ASCII (IDNA) form."""
    local, _, domain = address.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(f"cannot write address {address!r}") from error
    address = f"{local}@{domain}"
    if not ADDRESS.fullmatch(address):
        raise ValueError(f"cannot write address {address!r}")
    return address


def format_address(address: str, display_name: str = "") -> str:
    """`address` or `Name <address>`, ASCII only; the name quoted or encoded, never raw."""
    address = envelope_address(address)
    name = header_text(display_name)
    if not name:
        return address
    if PRINTABLE_ASCII.fullmatch(name):
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{address}>'
    return " ".join(_encoded_word(chunk) for chunk in _utf8_chunks(name)) + f" <{address}>"


def parse_sender(sender: Any) -> tuple[str, str]:
    """(display name, address) from MAIL_DEFAULT_SENDER: "a@b", "Name <a@b>" or (name, a@b)."""
    if isinstance(sender, tuple | list):
        return str(sender[0]), str(sender[1])
    name, address = parseaddr(str(sender))
    if not address:
        raise ValueError(f"MAIL_DEFAULT_SENDER is not an address: {sender!r}")
    return name, address


def compose(
    *,
    sender: tuple[str, str],
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    reply_to: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    date: datetime | None = None,
) -> bytes:
    """The whole message as CRLF bytes, ready for SMTP DATA."""
    if not re.fullmatch(r"<[!-;=?-~]+>", message_id):
        raise ValueError(f"bad Message-ID {message_id!r}")
    header_lines = [
        ("From", f"From: {format_address(sender[1], sender[0])}"),
        ("To", f"To: {format_address(to)}"),
    ]
    if reply_to:
        header_lines.append(("Reply-To", f"Reply-To: {format_address(reply_to)}"))
    when = (date or datetime.now(UTC)).replace(tzinfo=UTC)
    header_lines += [
        ("Subject", encode_header("Subject", subject)),
        ("Date", f"Date: {format_datetime(when)}"),
        ("Message-ID", f"Message-ID: {message_id}"),
    ]
    for name, value in checked_extra_headers(extra_headers).items():
        header_lines.append((name, _folded(name, value.split(" "))))
    header_lines.append(("MIME-Version", "MIME-Version: 1.0"))
    head = "".join(line + "\r\n" for _, line in header_lines).encode("ascii")
    body = _mime_body(text, html, attachments or [])
    raw = head + body
    _check_header_block(raw, [name for name, _ in header_lines])
    return raw


def _mime_body(text: str, html: str | None, attachments: list[dict[str, str]]) -> bytes:
    """Content-Type, blank line and body of the top-level MIME part, CRLF throughout.

    Written directly (the standard library's generator costs more than the rest of a send).
    Boundaries start with "=_", which neither quoted-printable nor base64 can produce, so no
    part can contain one.
    """
    token = uuid.uuid4().hex
    texts = [_text_part(text, "plain")] + ([_text_part(html, "html")] if html else [])
    alternative = _multipart("alternative", f"=_alt_{token}", texts)
    if not attachments:
        return alternative
    parts = [alternative, *(_attachment(item) for item in attachments)]
    return _multipart("mixed", f"=_mix_{token}", parts)


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    delimiter = f"--{boundary}\r\n".encode()
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    body = b"".join(delimiter + part + b"\r\n" for part in parts)
    return head + body + f"--{boundary}--\r\n".encode()


def _quoted_printable(content: str) -> bytes:
    crlf = "\r\n".join(content.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return binascii.b2a_qp(crlf.encode(), istext=True)


def _text_part(content: str, subtype: str, extra: str = "") -> bytes:
    return (
        (
            f'Content-Type: text/{subtype}; charset="utf-8"{extra}\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n"
        ).encode()
        + b"\r\n"
        + _quoted_printable(content)
    )


def _attachment(item: dict[str, str]) -> bytes:
    match = CONTENT_TYPE.fullmatch(item["content_type"])
    if match is None:
        raise ValueError(f"bad attachment content type {item['content_type']!r}")
    maintype, subtype = match.group(1).lower(), match.group(2).lower()
    parameters = "".join(
        f"; {key.lower()}={value}"
        for key, value in PARAMETER.findall(match.group(3))
        if key.lower() != "charset"
    )
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", item.get("filename") or "attachment")[:100]
    disposition = f'Content-Disposition: attachment; filename="{filename}"\r\n'.encode()
    data = item["content"]
    if maintype == "text":
        part = _text_part(data, subtype, parameters)
        head, body = part.split(b"\r\n\r\n", 1)
        return head + b"\r\n" + disposition + b"\r\n" + body
    encoded = base64.encodebytes(data.encode()).replace(b"\n", b"\r\n")
    return (
        (
            f"Content-Type: {maintype}/{subtype}{parameters}\r\n"
            "Content-Transfer-Encoding: base64\r\n"
        ).encode()
        + disposition
        + b"\r\n"
        + encoded
    )


def _check_header_block(raw: bytes, expected: list[str]) -> None:
    """Refuse to send unless the top-level header lines are exactly the ones meant."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    if b"\n" in head.replace(b"\r\n", b"") or b"\r" in head.replace(b"\r\n", b""):
        raise ValueError("stray line break in the header block")
    names = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            continue
        match = HEADER_LINE.match(line)
        if match is None:
            raise ValueError(f"malformed header line {line[:60]!r}")
        names.append(match.group(1).decode("ascii").lower())
    wanted = [name.lower() for name in expected]
    body_headers = names[len(wanted) :]
    if names[: len(wanted)] != wanted or any(
        name not in ("content-type", "content-transfer-encoding") for name in body_headers
    ):
        raise ValueError(f"unexpected header lines: {names}")
