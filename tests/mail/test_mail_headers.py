"""What the SMTP server receives, byte for byte: no visitor text becomes a header, every email is
multipart/mixed holding multipart/alternative (text, then HTML) and then any attachment (the shape
Flask-Mail writes), no line is longer than SMTP allows, extra headers as asked and no others."""

from __future__ import annotations

import base64
import email
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from blueprints.shared.extensions import db
from blueprints.shared.outbox import Email, deliver_due, queue_email, queue_emails_bulk
from harness import SmtpRecorder, free_port, shutdown_app
from harness.blog import add_post, form_started_token
from harness.contact import seeded_app_with
from harness.forms import VISITOR, enquiry_data
from harness.programs import make_program, signup_form

COACH = "maya@studio.example"
EVIL = "a@evil.example"

# A visitor's name that is an RFC 2047 encoded-word hiding CR/LF, in each shape the finding used.
VECTORS = {
    "q-reply-to": "=?utf-8?q?Eve=0D=0AReply-To:_a@evil.example?=",
    "q-body-split": "=?utf-8?q?Eve=0D=0A=0D=0AReply-To:_a@evil.example?=",
    "b-x-injected": "=?utf-8?b?" + base64.b64encode(b"Eve\r\nX-Injected: yes").decode() + "?=",
    "q-bcc": "=?utf-8?q?Eve=0D=0ABcc:_a@evil.example?=",
    "b-bcc-lf": "=?UTF-8?B?" + base64.b64encode(b"Eve\nBcc: a@evil.example").decode() + "?=",
}
# The top-level headers the outbox writes; anything else is an injection.
ALLOWED = {"from", "to", "reply-to", "subject", "date", "message-id", "mime-version"}
ALLOWED |= {"content-type", "content-transfer-encoding"}


class RawRecorder(SmtpRecorder):
    """Keeps the exact bytes of each message as well as the parsed one."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Record the raw DATA, then parse as usual."""
        with self.lock:
            self.raw.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return await super().handle_DATA(server, session, envelope)

    def raw_to(self, address: str) -> list[bytes]:
        """Raw messages whose envelope included `address`."""
        with self.lock:
            return [raw for rcpts, raw in self.raw if address in rcpts]


@pytest.fixture
def raw_smtp() -> Iterator[RawRecorder]:
    recorder = RawRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port  # type: ignore[attr-defined]
    yield recorder
    controller.stop()


@pytest.fixture
def site(database_file: Path, raw_smtp: RawRecorder) -> Iterator[Flask]:
    app = seeded_app_with(
        database_file, COACH_EMAIL=COACH, MAIL_SERVER="127.0.0.1", MAIL_PORT=raw_smtp.port
    )
    yield app
    shutdown_app(app)


def deliver(app: Flask) -> int:
    with app.app_context():
        report = deliver_due()
        db.session.remove()
    assert (report.retrying, report.failed) == (0, 0)
    return report.sent


def header_lines(raw: bytes) -> list[tuple[str, bytes]]:
    """(lower-cased name, value with continuation lines) of each top-level header line."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    headers: list[tuple[str, bytes]] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            name, value = headers[-1]
            headers[-1] = (name, value + line)
        else:
            name, _, value = line.partition(b":")
            headers.append((name.decode("ascii", "replace").strip().lower(), value.strip()))
    return headers


def assert_not_injected(raw: bytes, reply_to: str | None, body_says: str) -> None:
    """Only the headers the outbox writes, each once; the visitor's text only in the Subject."""
    lines = header_lines(raw)
    names = [name for name, _ in lines]
    assert set(names) <= ALLOWED, names
    assert len(names) == len(set(names)), names
    assert "bcc" not in names and "x-injected" not in names
    assert dict(lines).get("reply-to") == (reply_to.encode() if reply_to else None)
    assert b"evil.example" not in b"".join(value for name, value in lines if name != "subject")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    subject = str(message["Subject"])
    assert "\r" not in subject and "\n" not in subject
    assert message.get_content_type() == "multipart/mixed"
    plain = message.get_body(("plain",)).get_content()
    assert body_says in plain
    assert "X-Injected" not in plain.split(body_says)[0] and "Reply-To: a@" not in plain
    assert message.get_body(("html",)) is not None


@pytest.mark.parametrize("vector", VECTORS)
def test_an_encoded_word_in_a_contact_name_adds_no_header(
    site: Flask, raw_smtp: RawRecorder, vector: str
) -> None:
    data = enquiry_data(site, name=VECTORS[vector])
    response = site.test_client().post("/contact/", data=data)
    assert response.status_code in (200, 303)
    assert deliver(site) == 2
    raw_smtp.wait_for(2)
    assert sorted(rcpts for rcpts, _ in raw_smtp.raw) == sorted([[COACH], [VISITOR]])
    [to_coach] = raw_smtp.raw_to(COACH)
    assert_not_injected(to_coach, VISITOR, "disc bulge")
    [to_visitor] = raw_smtp.raw_to(VISITOR)
    assert_not_injected(
        to_visitor, COACH, "Thank you for writing"
    )  # the auto-reply repeats nothing


def post_comment(app: Flask, name: str, body: str, headers: dict[str, str] | None = None) -> Any:
    """Post a comment as a reader would, on an article made for it."""
    with app.app_context():
        add_post("first-steps", title="First steps after a flare-up")
    client = app.test_client()
    data = {
        "name": name,
        "email": "eve@example.org",
        "body": body,
        "website": "",
        "form_started": form_started_token(client, "/blog/first-steps"),
    }
    return client.post("/blog/first-steps/comments", data=data, headers=headers)


@pytest.mark.parametrize("vector", VECTORS)
def test_an_encoded_word_in_a_comment_name_adds_no_header(
    site: Flask, raw_smtp: RawRecorder, vector: str
) -> None:
    body = "Does the bird dog help a stiff back in the morning?"
    assert post_comment(site, VECTORS[vector], body).status_code == 303
    assert deliver(site) == 1
    [(rcpts, raw)] = raw_smtp.raw
    assert rcpts == [COACH]
    assert_not_injected(raw, "eve@example.org", "bird dog")


@pytest.mark.parametrize("vector", VECTORS)
def test_an_encoded_word_in_a_signup_name_adds_no_header(
    site: Flask, raw_smtp: RawRecorder, vector: str
) -> None:
    make_program(site)
    data = signup_form(site, name=VECTORS[vector], email="eve@example.org")
    assert site.test_client().post("/programs/evening-course/signup", data=data).status_code == 303
    assert deliver(site) == 2
    raw_smtp.wait_for(2)
    assert sorted(rcpts[0] for rcpts, _ in raw_smtp.raw) == sorted([COACH, "eve@example.org"])
    [to_coach] = raw_smtp.raw_to(COACH)
    assert_not_injected(to_coach, "eve@example.org", "Evening back course")


def test_a_comment_name_on_two_lines_is_refused_next_to_the_field(
    site: Flask, raw_smtp: RawRecorder
) -> None:
    response = post_comment(
        site, "Eve\r\nBcc: a@evil.example", "A question about bracing.", {"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Please keep this on one line." in response.get_data(as_text=True)
    assert deliver(site) == 0
    assert raw_smtp.raw == []


def parts_of(raw: bytes) -> list[str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return [part.get_content_type() for part in message.walk()]


def test_an_email_without_attachments_is_the_alternative_alone_text_first(
    site: Flask, raw_smtp: RawRecorder
) -> None:
    site.test_client().post("/contact/", data=enquiry_data(site))
    assert deliver(site) == 2
    [to_coach] = raw_smtp.raw_to(COACH)
    assert parts_of(to_coach) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    message = email.message_from_bytes(to_coach, policy=email.policy.default)
    assert list(message.iter_attachments()) == []


def test_a_long_paragraph_arrives_whole_in_lines_smtp_accepts(
    site: Flask, raw_smtp: RawRecorder
) -> None:
    # One paragraph of 1,500 characters with accents: written as raw 8bit it would be one
    # line longer than SMTP allows (998 octets), and aiosmtpd refuses such a message.
    paragraph = " ".join(["Rückenschmerzen beim Bücken, morgens schlimmer."] * 31)
    data = enquiry_data(site, message=paragraph)
    assert site.test_client().post("/contact/", data=data).status_code in (200, 303)
    assert deliver(site) == 2
    [to_coach] = raw_smtp.raw_to(COACH)
    assert max(len(line) for line in to_coach.split(b"\r\n")) <= 998
    message = email.message_from_bytes(to_coach, policy=email.policy.default)
    assert paragraph in message.get_body(("plain",)).get_content()
    assert paragraph in message.get_body(("html",)).get_content()


def test_an_email_with_an_invite_is_mixed_with_the_alternative_first(
    site: Flask, raw_smtp: RawRecorder
) -> None:
    invite = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    with site.test_request_context():
        queue_email(
            "test",
            VISITOR,
            "Consultation booked",
            "contact_autoreply",
            enquiry={"name": "Anna"},
            attachments=[
                {
                    "filename": "consultation.ics",
                    "content_type": "text/calendar; method=REQUEST; charset=utf-8",
                    "content": invite,
                }
            ],
        )
        db.session.commit()
    assert deliver(site) == 1
    [raw] = raw_smtp.raw_to(VISITOR)
    assert parts_of(raw) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "consultation.ics"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_content().replace("\r\n", "\n") == invite.replace("\r\n", "\n")


def test_extra_headers_arrive_as_given_and_only_allowed_ones(
    site: Flask, raw_smtp: RawRecorder
) -> None:
    unsubscribe = "<https://strongspine.example/newsletter/unsubscribe/abc>"
    with site.test_request_context():
        queue_email(
            "newsletter",
            VISITOR,
            "Spring letter",
            "contact_autoreply",
            enquiry={"name": "Anna"},
            headers={
                "list-unsubscribe": unsubscribe,
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        for bad in (
            {"Bcc": "a@evil.example"},
            {"List-Unsubscribe": "<https://x.example/>\r\nBcc: a@evil.example"},
            {"List-Unsubscribe": "=?utf-8?q?x=0D=0ABcc:_a@evil.example?="},
        ):
            with pytest.raises(ValueError):
                queue_email("x", VISITOR, "x", "contact_autoreply", enquiry={}, headers=bad)
        db.session.commit()
    assert deliver(site) == 1
    [raw] = raw_smtp.raw_to(VISITOR)
    lines = dict(header_lines(raw))
    assert lines["list-unsubscribe"] == unsubscribe.encode()
    assert lines["list-unsubscribe-post"] == b"List-Unsubscribe=One-Click"
    assert "bcc" not in lines


def test_bulk_queue_writes_every_row_in_the_callers_transaction(
    site: Flask, raw_smtp: RawRecorder
) -> None:
    emails = [
        Email(
            "newsletter",
            f"reader{n}@example.org",
            f"Letter for reader {n}",
            "contact_autoreply",
            headers={"List-Unsubscribe": f"<https://strongspine.example/u/{n}>"},
            context={"enquiry": {"name": f"Reader {n}"}},
        )
        for n in range(120)
    ]
    with site.test_request_context():
        assert queue_emails_bulk(emails, chunk_size=50) == 120
        db.session.rollback()  # nothing was committed: nothing to send
        with pytest.raises(ValueError, match="not an email address"):
            queue_emails_bulk([*emails[:3], Email("x", "not-an-address", "x", "contact_autoreply")])
        db.session.rollback()
        assert queue_emails_bulk(emails, chunk_size=50) == 120
        db.session.commit()
    sent = 0
    while batch := deliver(site):
        sent += batch
    assert sent == 120
    raw_smtp.wait_for(120)
    assert len(raw_smtp.raw) == 120
    raw = raw_smtp.raw_to("reader7@example.org")[0]
    assert dict(header_lines(raw))["list-unsubscribe"] == b"<https://strongspine.example/u/7>"
    assert b"Subject: Letter for reader 7\r\n" in raw
