"""Public pages come from the page cache, yet edits show at once and forms still work."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import event, func, select, update

from blueprints.blog.models import Comment, Post
from blueprints.blog.queries import public_posts
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import make_app, shutdown_app
from tests.blog.conftest import add_post

ARTICLE = "/blog/first-steps"


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app runs inside the block."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _stamp(html: str) -> str:
    return re.search(
        r'id="form_started" name="form_started" type="hidden" value="([^"]+)"', html
    ).group(1)


def test_a_repeat_view_is_served_from_the_cache(seeded_app: Flask) -> None:
    # A long window, so a slow first render cannot make the second request re-read the version;
    # then the window is made to have passed.
    seeded_app.config["PAGE_CACHE_VERSION_SECONDS"] = 60
    client = seeded_app.test_client()
    first = client.get("/drills/jefferson-curl")
    with counting_queries(seeded_app) as within_the_window:
        second = client.get("/drills/jefferson-curl")
    seeded_app.extensions["page_cache"].version_read_at -= 61
    with counting_queries(seeded_app) as later:
        third = client.get("/drills/jefferson-curl")
    assert second.status_code == third.status_code == 200
    # the same page, but for the visitor's CSRF token, which is signed with the time
    pages = [
        re.sub(
            r'"X-CSRFToken": "[^"]+"|name="csrf_token" value="[^"]+"', "", r.get_data(as_text=True)
        )
        for r in (first, second, third)
    ]
    assert pages[0] == pages[1] == pages[2]
    assert [s for s in within_the_window if not s.startswith("BEGIN")] == []
    queries = [s for s in later if not s.startswith("BEGIN")]
    assert len(queries) == 1 and "content_version" in queries[0]  # only the version check


def test_an_edit_shows_at_once(app: Flask) -> None:
    client = app.test_client()
    with app.app_context():
        add_post("first-steps", title="First steps")
    assert "First steps" in client.get(ARTICLE).get_data(as_text=True)
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.slug == "first-steps"))
        post.title = "First steps after a flare-up"
        db.session.commit()
    assert "First steps after a flare-up" in client.get(ARTICLE).get_data(as_text=True)
    assert "First steps after a flare-up" in client.get("/blog/").get_data(as_text=True)


def test_a_bulk_approval_shows_at_once(app: Flask) -> None:
    client = app.test_client()
    with app.app_context():
        post = add_post("first-steps")
        db.session.add(Comment(post_id=post.id, name="Priya", body="Thank you, this helped."))
        db.session.commit()
    assert "this helped" not in client.get(ARTICLE).get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(Comment).values(status="approved"))
        db.session.commit()
    assert "this helped" in client.get(ARTICLE).get_data(as_text=True)


def test_each_visitor_gets_their_own_working_csrf_token(database_file: Path) -> None:
    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            add_post("first-steps")
        ada, bob = app.test_client(), app.test_client()
        ada_html = ada.get(ARTICLE).get_data(as_text=True)
        bob_html = bob.get(ARTICLE).get_data(as_text=True)  # from the cache
        assert "-placeholder__" not in bob_html  # every per-visitor value was filled in
        assert _csrf_token(ada_html) != _csrf_token(bob_html)
        form = {"name": "Bob", "body": "Useful, thanks.", "website": ""}
        stolen = bob.post(
            f"{ARTICLE}/comments",
            data={**form, "csrf_token": _csrf_token(ada_html), "form_started": _stamp(bob_html)},
        )
        assert stolen.status_code == 400  # Ada's token is no good in Bob's session
        own = bob.post(
            f"{ARTICLE}/comments",
            data={**form, "csrf_token": _csrf_token(bob_html), "form_started": _stamp(bob_html)},
        )
        assert own.status_code == 303
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
    finally:
        shutdown_app(app)


def test_the_spam_stamp_is_fresh_on_every_cached_view(database_file: Path) -> None:
    app = make_app(database_file, SPAM_MIN_SECONDS=1.0)
    try:
        with app.app_context():
            add_post("first-steps")
        client = app.test_client()
        client.get(ARTICLE)  # fills the cache
        time.sleep(1.1)
        html = client.get(ARTICLE).get_data(as_text=True)
        # A bot posting at once with the cached page's stamp is still too fast.
        client.post(
            f"{ARTICLE}/comments",
            data={"name": "Bot", "body": "Buy now", "website": "", "form_started": _stamp(html)},
        )
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    finally:
        shutdown_app(app)


def test_the_version_is_shared_by_every_worker(database_file: Path) -> None:
    """Two apps on one database stand for two gunicorn workers."""
    worker_a = make_app(database_file)
    worker_b = make_app(database_file)
    try:
        with worker_a.app_context():
            seed_demo_content()
        assert "Prone press-up" in worker_b.test_client().get("/drills/").get_data(as_text=True)
        worker_b.test_client().get("/")  # worker B caches the home page
        with worker_a.app_context():
            newest = db.session.scalars(public_posts().limit(1)).first()
            newest.title = "Renamed on worker A"
            db.session.commit()
        assert "Renamed on worker A" in worker_a.test_client().get("/").get_data(as_text=True)
        # Worker B reads the shared version at most once a second.
        time.sleep(worker_b.config.get("PAGE_CACHE_VERSION_SECONDS", 1.0) + 0.1)
        assert "Renamed on worker A" in worker_b.test_client().get("/").get_data(as_text=True)
    finally:
        shutdown_app(worker_a)
        shutdown_app(worker_b)
