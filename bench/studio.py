"""Studio: how the coach's busiest pages hold up once the practice has a few years of data.

A real migrated SQLite file (WAL) in a temporary folder, filled with 5,000 enquiries (1,000 with
bookings), 3,000 signups, 2,000 comments and 20,000 emails; every request goes through the app
with a logged-in test client. Prints medians and the 95th percentile in milliseconds.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from bench.programs import _summary, _timed
from blueprints.blog.models import Comment, Post
from blueprints.contact.models import Booking, Enquiry
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.seed import seed_demo_content
from harness import build_migrated_database, make_app, shutdown_app
from harness.coach import coach_client

RUNS = 60
ENQUIRIES, BOOKED, SIGNUPS, COMMENTS, EMAILS = 5_000, 1_000, 3_000, 2_000, 20_000
ARTICLE = "\n\n".join(
    ["Slow, loaded movement in every direction. " * 40, "[[drill:cat-cow]]"] * 3
    + ["[[drill:not-a-drill]]"]
)


def _fill(now) -> None:  # type: ignore[no-untyped-def]
    statuses = ("new", "answered", "archived")
    for n in range(ENQUIRIES):
        enquiry = Enquiry(
            name=f"Person {n}", email=f"person{n}@example.com", topic="consultation",
            message="My back hurts when I garden.", status=statuses[n % 3],
            created_at=now - timedelta(hours=n),
        )  # fmt: skip
        if n < BOOKED:
            start = now + timedelta(hours=n - BOOKED // 2)
            enquiry.booking = Booking(
                uid=f"bench-{n}", starts_at=start, ends_at=start + timedelta(minutes=45)
            )
        db.session.add(enquiry)
    programs = [Program(slug=f"bench-{n}", title=f"Bench program {n}") for n in range(30)]
    db.session.add_all(programs)
    db.session.add_all(
        Signup(program=programs[n % 30], name=f"S {n}", email=f"signup{n}@example.com")
        for n in range(SIGNUPS)
    )
    post = db.session.query(Post).first()
    db.session.add_all(
        Comment(post=post, name="Reader", body="Thanks", status=("pending", "approved")[n % 2])
        for n in range(COMMENTS)
    )
    db.session.add_all(
        OutboxMessage(
            kind="bench",
            to_addr=f"person{n % ENQUIRIES}@example.com",
            subject="Hello",
            body_text="Hello",
            status=("sent", "failed", "pending")[n % 3],
            message_id=f"<bench-{n}@example.com>",
            created_at=now - timedelta(minutes=n),
        )  # fmt: skip
        for n in range(EMAILS)
    )
    db.session.commit()


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(database, UPLOAD_FOLDER=str(Path(folder) / "uploads"))
        with app.app_context():
            seed_demo_content()
            _fill(utcnow())
        client = coach_client(app)
        preview = {"body_md": ARTICLE}
        htmx = {"HX-Request": "true"}
        for label, call in [
            ("studio dashboard", lambda: client.get("/studio/")),
            ("inbox, new enquiries", lambda: client.get("/studio/inbox")),
            ("outbox, first page of 20,000", lambda: client.get("/studio/outbox")),
            ("outbox, page 300", lambda: client.get("/studio/outbox?page=300")),
            ("live preview, 3 drill cards (htmx)", lambda: client.post(
                "/studio/articles/preview", data=preview, headers=htmx)),
            ("CSV of 5,000 enquiries", lambda: client.get("/studio/export/enquiries.csv")),
        ]:  # fmt: skip
            samples = [_timed(call) for _ in range(RUNS)]
            print(_summary(f"{label} (test client)", samples))
        lookup = [
            _timed(
                lambda n=n: client.post("/studio/erase", data={"email": f"person{n}@example.com"})
            )
            for n in range(RUNS)
        ]
        print(_summary("erase, look a person up (test client)", lookup))
        erase = [
            _timed(lambda n=n: client.post(
                "/studio/erase/confirm", data={"email": f"person{n}@example.com", "confirm": "y"}))
            for n in range(RUNS)
        ]  # fmt: skip
        print(_summary("erase, confirm (5 tables, one transaction)", erase))
        shutdown_app(app)


if __name__ == "__main__":
    main()
