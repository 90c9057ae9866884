"""The header sanitiser in front of Flask-Mail: no visitor text can become a header line.

Flask-Mail (`mail_message`) writes every email, through the standard library's `email`
package. Before CVE-2024-6923 was fixed (CPython 3.11.10; this machine runs 3.11.7) that
package's folding decoded RFC 2047 encoded-words and wrote a decoded CR/LF straight into the
message: a visitor's name `=?utf-8?q?Eve=0D=0AReply-To:_a@evil.example?=` in a subject became a
real Reply-To header. Flask-Mail checks only subject, sender and recipients for a raw line
break, and extra headers not at all. So, in front of it:

- visitor text for a header goes through `header_text()`: control characters, line and
  paragraph separators become spaces, whitespace collapses, and `=?` (the start of an
  encoded-word) becomes `= ?`, so no decoder anywhere downstream sees an encoded-word in it;
- extra headers are only those on `EXTRA_HEADERS`, each one line of printable ASCII without
  `=?` (`checked_extra_headers()`);
- addresses are plain ASCII (`envelope_address()`: an international domain in its IDNA form);
- behind it, `check_header_block()` reads the bytes Flask-Mail produced and refuses to send
  unless their top-level header lines are exactly the ones meant, each once, in printable ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from email.utils import parseaddr
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
MAX_EXTRA_VALUE = 900
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
HEADER_LINE = re.compile(rb"([!-9;-~]+):[\x20-\x7e]*")
FOLDED_LINE = re.compile(rb"[ \t][\x20-\x7e]*")


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


def parse_sender(sender: Any) -> tuple[str, str]:
    """(display name, address) from MAIL_DEFAULT_SENDER: "a@b", "Name <a@b>" or (name, a@b)."""
    if isinstance(sender, tuple | list):
        return str(sender[0]), str(sender[1])
    name, address = parseaddr(str(sender))
    if not address:
        raise ValueError(f"MAIL_DEFAULT_SENDER is not an address: {sender!r}")
    return name, address


def check_header_block(raw: bytes, expected: Iterable[str]) -> None:
    """Refuse (ValueError) unless the message's top-level headers are exactly `expected`, once
    each, as CRLF lines of printable ASCII (a continuation line starts with a space or tab)."""
    head, separator, _ = raw.partition(b"\r\n\r\n")
    if not separator:
        raise ValueError("no end to the header block")
    names = []
    for line in head.split(b"\r\n"):
        if FOLDED_LINE.fullmatch(line) and names:
            continue
        match = HEADER_LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"malformed header line {line[:60]!r}")
        names.append(match.group(1).decode("ascii").lower())
    if sorted(names) != sorted(name.lower() for name in expected):
        raise ValueError(f"unexpected header lines: {names}")
