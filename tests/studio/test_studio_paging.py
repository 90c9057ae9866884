"""Studio lists paged by key: walking the "Older" links shows every row once, in order, even
when rows share a timestamp or new ones arrive while the coach pages; deep pages use an index."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select

from blueprints.blog.models import Comment, Post
from blueprints.contact.models import Enquiry
from blueprints.newsletter.models import Subscriber
from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness.studio import add_post, add_program

BASE = datetime(2026, 11, 20, 9, 0)
NEXT_LINK = re.compile(r'<a rel="next" href="([^"]+)"')


def stamp(n: int) -> datetime:
    """The n-th row's time: rows come in sevens that share one timestamp (a busy minute), so
    pages of 50 or 100 end inside a seven."""
    return BASE + timedelta(minutes=n // 7)


@dataclass(frozen=True)
class Listing:
    """A studio list page: where it is, how a row shows on it, and how to add rows to it."""

    url: str
    row: str  # a pattern whose group is the row's id
    add: Callable[[int, int, datetime | None], None]  # (first, count, at) -> rows stored
    model: type
    newest_first: bool = True


def _enquiries(first: int, count: int, at: datetime | None) -> None:
    db.session.execute(
        insert(Enquiry),
        [
            {"name": f"Person {n}", "email": f"p{n}@example.com", "status": "new",
             "created_at": at or stamp(n)}
            for n in range(first, first + count)
        ],
    )  # fmt: skip


def _emails(first: int, count: int, at: datetime | None) -> None:
    db.session.execute(
        insert(OutboxMessage),
        [
            {"kind": "test", "to_addr": f"p{n}@example.com", "subject": "Hello",
             "body_text": "Hello", "status": "sent", "message_id": f"<m{n}@test>",
             "created_at": at or stamp(n)}
            for n in range(first, first + count)
        ],
    )  # fmt: skip


def _comments(first: int, count: int, at: datetime | None) -> None:
    post_id = db.session.scalar(select(Post.id).limit(1))
    if post_id is None:
        post = add_post()
        db.session.flush()
        post_id = post.id
    db.session.execute(
        insert(Comment),
        [
            {"post_id": post_id, "name": "Reader", "body": f"Comment {n}", "status": "pending",
             "created_at": at or stamp(n)}
            for n in range(first, first + count)
        ],
    )  # fmt: skip


def _subscribers(first: int, count: int, at: datetime | None) -> None:
    db.session.execute(
        insert(Subscriber),
        [
            {"email": f"s{n}@example.com", "key": f"key-{n}", "status": "confirmed",
             "created_at": at or stamp(n)}
            for n in range(first, first + count)
        ],
    )  # fmt: skip


def _places(first: int, count: int, at: datetime | None) -> None:
    program_id = db.session.scalar(select(Program.id).limit(1))
    if program_id is None:
        program = add_program(capacity=None)
        db.session.flush()
        program_id = program.id
    db.session.execute(
        insert(Signup),
        [
            {"program_id": program_id, "name": f"S {n}", "email": f"s{n}@example.com",
             "status": "confirmed", "created_at": at or stamp(n)}
            for n in range(first, first + count)
        ],
    )  # fmt: skip


def _waiting(first: int, count: int, at: datetime | None) -> None:
    program_id = db.session.scalar(select(Program.id).limit(1))
    if program_id is None:
        program = add_program(capacity=0)
        db.session.flush()
        program_id = program.id
    db.session.execute(
        insert(Signup),
        [
            {"program_id": program_id, "name": f"S {n}", "email": f"s{n}@example.com",
             "status": "waitlisted", "waitlist_position": n + 1, "created_at": at or stamp(n)}
            for n in range(first, first + count)
        ],
    )  # fmt: skip


LISTINGS = {
    "inbox": Listing("/studio/inbox", r'id="enquiry-(\d+)"', _enquiries, Enquiry),
    "outbox": Listing("/studio/outbox", r'id="message-(\d+)"', _emails, OutboxMessage),
    "comments": Listing("/studio/inbox/comments", r'id="comment-(\d+)"', _comments, Comment),
    "newsletter": Listing(
        "/studio/newsletter", r"/studio/newsletter/(\d+)/remove", _subscribers, Subscriber
    ),
    "signups": Listing(
        "/studio/programs/{program}/signups",
        r"/studio/programs/signups/(\d+)/cancel",
        _places,
        Signup,
        newest_first=False,
    ),
    # The waiting list goes by position (a number, not a time): first in line first.
    "waiting list": Listing(
        "/studio/programs/{program}/signups",
        r"/studio/programs/signups/(\d+)/cancel",
        _waiting,
        Signup,
        newest_first=False,
    ),
}


def start_url(app: Flask, listing: Listing) -> str:
    """The list's first page (a program's signups need the program's id)."""
    if "{program}" not in listing.url:
        return listing.url
    with app.app_context():
        program_id = db.session.scalar(select(Program.id).limit(1))
    return listing.url.format(program=program_id)


def store(app: Flask, listing: Listing, first: int, count: int, at: datetime | None = None) -> None:
    """Add `count` rows to the list."""
    with app.app_context():
        listing.add(first, count, at)
        db.session.commit()


def expected_order(app: Flask, listing: Listing) -> list[int]:
    """Every row's id in the order the list shows them: by time, ties settled by id."""
    model = listing.model
    with app.app_context():
        rows = db.session.execute(select(model.id, model.created_at)).all()
    ordered = sorted(rows, key=lambda row: (row.created_at, row.id))
    ids = [row.id for row in ordered]
    return ids[::-1] if listing.newest_first else ids


def read_page(coach: FlaskClient, url: str, listing: Listing) -> tuple[list[int], str | None]:
    """The row ids a page shows and its "Older"/"More" link (None on the last page)."""
    response = coach.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = NEXT_LINK.search(page)
    ids = [int(found) for found in re.findall(listing.row, page)]
    return ids, html_lib.unescape(link.group(1)) if link else None


def walk(coach: FlaskClient, url: str | None, listing: Listing) -> tuple[list[int], int]:
    """Follow the next links from `url` to the end: every id shown, and how many pages."""
    shown: list[int] = []
    pages = 0
    while url is not None:
        ids, url = read_page(coach, url, listing)
        shown += ids
        pages += 1
        assert pages < 50, "the next links go round in circles"
    return shown, pages


@pytest.mark.parametrize("name", list(LISTINGS))
def test_walking_the_pages_shows_every_row_once_in_order(
    app: Flask, coach: FlaskClient, name: str
) -> None:
    listing = LISTINGS[name]
    store(app, listing, 0, 230)  # in sevens with one timestamp each
    expected = expected_order(app, listing)
    shown, pages = walk(coach, start_url(app, listing), listing)
    assert shown == expected  # each row once, none skipped, newest (or first) first
    assert pages >= 3
    first_page, next_url = read_page(coach, start_url(app, listing), listing)
    assert next_url is not None and "after=" in next_url and "page=" not in next_url
    assert 0 < len(first_page) < len(expected)


@pytest.mark.parametrize("name", list(LISTINGS))
def test_rows_that_arrive_while_paging_do_not_shift_the_pages(
    app: Flask, coach: FlaskClient, name: str
) -> None:
    listing = LISTINGS[name]
    store(app, listing, 0, 230)
    before = expected_order(app, listing)
    first_page, next_url = read_page(coach, start_url(app, listing), listing)
    # Twenty new rows arrive (the newest ones, half of them sharing one moment) after the
    # coach has read the first page.
    newest = stamp(229) + timedelta(hours=1)
    store(app, listing, 1000, 10, at=newest)
    store(app, listing, 1010, 10)
    rest, _ = walk(coach, next_url, listing)
    after = expected_order(app, listing)
    new_ids = set(after) - set(before)
    walked = first_page + rest
    assert len(walked) == len(set(walked))  # nothing twice
    assert set(before) <= set(walked)  # nothing the coach was paging through is skipped
    if listing.newest_first:
        assert walked == before  # the newest arrivals wait for her on a fresh first page
        fresh, _ = read_page(coach, start_url(app, listing), listing)
        assert set(fresh[:10]) <= new_ids
    else:
        # Oldest first: arrivals join the end of the list, after everyone already there.
        assert walked[: len(before)] == before and set(walked[len(before) :]) == new_ids


@pytest.mark.parametrize(
    "after",
    [
        "rubbish",
        "2026-13-40T00:00:00_5",
        "2026-11-20T09:00:00_99999999999999999999",
        "2026-11-20T09:00:00+02:00_5",
        "2026-11-20T09:00:00_-5",
        "_",
    ],
)
def test_a_bad_key_shows_the_first_page(app: Flask, coach: FlaskClient, after: str) -> None:
    listing = LISTINGS["inbox"]
    store(app, listing, 0, 60)
    first, _ = read_page(coach, listing.url, listing)
    assert read_page(coach, f"{listing.url}?after={after}", listing)[0] == first


def test_the_filter_is_kept_from_page_to_page(app: Flask, coach: FlaskClient) -> None:
    store(app, LISTINGS["inbox"], 0, 120)
    with app.app_context():
        for enquiry in db.session.scalars(select(Enquiry).where(Enquiry.id % 2 == 0)):
            enquiry.status = "archived"
        db.session.commit()
        archived = db.session.scalars(
            select(Enquiry.id)
            .where(Enquiry.status == "archived")
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
        ).all()
    shown, pages = walk(coach, "/studio/inbox?status=archived", LISTINGS["inbox"])
    assert shown == archived and pages == 2
    every, _ = walk(coach, "/studio/inbox?status=", LISTINGS["inbox"])  # "All" stays "All"
    assert len(every) == 120


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_deep_page_is_found_on_an_index_without_sorting(
    app: Flask, coach: FlaskClient, name: str
) -> None:
    listing = LISTINGS[name]
    store(app, listing, 0, 230)
    _, next_url = read_page(coach, start_url(app, listing), listing)
    _, deep_url = read_page(coach, next_url, listing)
    assert deep_url is not None
    table = listing.model.__tablename__
    with app.app_context():
        statements: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            if statement.startswith("SELECT") and f"FROM {table}" in statement:
                statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert coach.get(deep_url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert statements
        raw = db.engine.raw_connection()
        try:
            for statement, parameters in statements:
                cursor = raw.cursor()
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                plan = " / ".join(row[-1] for row in cursor.fetchall())
                # Counting may read a whole index (never the table); rows come by index range.
                assert not re.search(rf"SCAN {table}(?! USING COVERING INDEX)", plan), plan
                assert "TEMP B-TREE" not in plan, (statement, plan)
        finally:
            raw.close()
