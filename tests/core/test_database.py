"""The one database: SQLite pragmas, migrations in step with models, serialized writes.

Tests marked sqlite_only are about SQLite itself; their PostgreSQL counterparts are marked
postgres_only. Each runs only against its own database (see tests/conftest.py).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from blueprints.contact.models import Enquiry
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from harness import Database, make_app, shutdown_app, wait_until


@pytest.mark.sqlite_only
def test_every_connection_has_wal_busy_timeout_and_foreign_keys(app: Flask) -> None:
    # two different pooled connections, both configured
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(app: Flask) -> None:
    from blueprints.booking.models import Booking

    with app.app_context():
        db.session.add(
            Booking(
                enquiry_id=999_999,
                uid="x@test",
                starts_at=db.func.current_timestamp(),
                ends_at=db.func.current_timestamp(),
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_the_migrations_build_exactly_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _outside_models_ignored}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_models_partial_index_holds_one_confirmed_booking_a_start_time(app: Flask) -> None:
    """The model's index, built on this database in place of the migration's, is partial there
    too (on PostgreSQL its condition is added when the engine is set up, not at import)."""
    from blueprints.booking.models import Booking

    index = next(i for i in Booking.__table__.indexes if i.name == "uq_booking_confirmed_start")
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    with app.app_context():
        index.drop(db.engine)
        index.create(db.engine)
        for number, status in enumerate(("confirmed", "cancelled", "cancelled", "confirmed")):
            db.session.add(
                Booking(
                    enquiry=Enquiry(name=f"V{number}", email=f"v{number}@example.org"),
                    uid=f"{number}@test",
                    starts_at=start,
                    ends_at=start + timedelta(minutes=45),
                    status=status,
                )
            )
            if number < 3:
                db.session.commit()  # cancelled bookings do not hold the time
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        statuses = db.session.scalars(select(Booking.status).order_by(Booking.id)).all()
    assert statuses == ["confirmed", "cancelled", "cancelled"]


def _outside_models_ignored(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # The search indexes (SQLite's FTS5 tables, PostgreSQL's GIN index) are made by a migration
    # on purpose and have no model.
    if not reflected or compare_to is not None:
        return True
    if type_ == "table":
        return not name.startswith(("post_search", "drill_search"))
    return not (type_ == "index" and name in ("ix_post_search", "ix_drill_search"))


@pytest.mark.sqlite_only
def test_database_is_a_real_file_in_the_test_folder(app: Flask, database_file: Path) -> None:
    with app.app_context():
        db.session.add(Enquiry(name="Ada", email="ada@example.com", message="hi"))
        db.session.commit()
    assert database_file.stat().st_size > 0
    other = make_app(database_file)
    try:
        with other.app_context():
            assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 1
    finally:
        shutdown_app(other)


@pytest.mark.postgres_only
def test_the_postgres_run_really_uses_the_postgres_server(
    app: Flask, database_file: Database
) -> None:
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        db.session.add(Enquiry(name="Ada", email="ada@example.com", message="hi"))
        db.session.commit()
        server = db.session.scalar(text("SHOW server_version"))
    assert server.split(".")[0].isdigit()
    other = make_app(database_file)
    try:
        with other.app_context():
            assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 1
    finally:
        shutdown_app(other)


@pytest.mark.postgres_only
def test_postgres_connections_keep_utc_whatever_zone_the_server_runs_in(app: Flask) -> None:
    """tests/with_postgres.sh starts the server in Asia/Kolkata (+05:30) so this means something."""
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
            database_now = connection.exec_driver_sql("SELECT localtimestamp").scalar()
            assert abs(database_now - utcnow()) < timedelta(minutes=1)


@pytest.mark.sqlite_only
def test_serialized_write_takes_the_write_lock_before_reading(app: Flask) -> None:
    with app.app_context(), serialized_write("test") as session:
        # BEGIN IMMEDIATE holds the RESERVED lock: another connection cannot start writing
        with db.engine.connect() as other:
            other.exec_driver_sql("PRAGMA busy_timeout=0")
            with pytest.raises(Exception, match="locked"):
                other.exec_driver_sql("BEGIN IMMEDIATE")
        session.add(Enquiry(name="Ada", email="ada@example.com"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 1


@pytest.mark.postgres_only
def test_serialized_write_makes_a_second_writer_wait_for_the_advisory_lock(app: Flask) -> None:
    """Two connections: the second serialized_write waits until the first one commits."""
    order: list[str] = []
    release_first = threading.Event()
    first = _writer(app, "capacity", "first", order, holds_until=release_first)
    assert wait_until(lambda: order == ["first in"])
    second = _writer(app, "capacity", "second", order)
    with app.app_context():
        # the second connection is queued on the advisory lock, not running
        assert wait_until(lambda: _waiting_for_advisory_locks() == 1)
        db.session.remove()
    time.sleep(0.2)
    assert order == ["first in"]
    release_first.set()
    first.join(10)
    second.join(10)
    # Once the first commits, the second goes in; the first thread may note "first out" a
    # moment after the second's "second in" (it runs after the commit), so only this is fixed:
    assert order[0] == "first in" and order[-1] in ("first out", "second out")
    assert sorted(order) == ["first in", "first out", "second in", "second out"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 2


@pytest.mark.postgres_only
def test_serialized_writes_with_different_names_do_not_wait(app: Flask) -> None:
    order: list[str] = []
    release_first = threading.Event()
    first = _writer(app, "one lock", "first", order, holds_until=release_first)
    assert wait_until(lambda: order == ["first in"])
    second = _writer(app, "another lock", "second", order)
    second.join(10)
    assert order == ["first in", "second in", "second out"]  # while the first still holds its lock
    release_first.set()
    first.join(10)
    assert order[-1] == "first out"


def _writer(
    app: Flask,
    lock_name: str,
    name: str,
    order: list[str],
    holds_until: threading.Event | None = None,
) -> threading.Thread:
    """A thread that adds an enquiry inside serialized_write(lock_name), noting when it ran."""

    def write() -> None:
        with app.app_context():
            with serialized_write(lock_name) as session:
                order.append(f"{name} in")
                if holds_until:
                    holds_until.wait(10)
                session.add(Enquiry(name=name, email=f"{name}@example.com"))
            order.append(f"{name} out")
            db.session.remove()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def _waiting_for_advisory_locks() -> int:
    sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    count = db.session.scalar(text(sql))
    db.session.rollback()  # a fresh snapshot of pg_locks on the next poll
    return count


def test_serialized_write_rolls_back_everything_on_error(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(ValueError), serialized_write("test") as session:
            session.add(Enquiry(name="Half", email="half@example.com"))
            session.flush()
            raise ValueError("validation failed late")
        assert db.session.scalar(select(func.count()).select_from(Enquiry)) == 0


def test_serialized_write_refuses_pending_changes(app: Flask) -> None:
    with app.app_context():
        db.session.add(Enquiry(name="Early", email="early@example.com"))
        with pytest.raises(RuntimeError, match="pending"), serialized_write("test"):
            pass
        db.session.rollback()


def test_concurrent_read_then_write_never_loses_an_update(app: Flask) -> None:
    """Twenty threads each read a counter and write it back plus one: no update is lost."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE counter (n INTEGER)"))
        db.session.execute(text("INSERT INTO counter VALUES (0)"))
        db.session.commit()
    try:
        _twenty_threads_bump_the_counter(app)
    finally:  # on PostgreSQL the database outlives the test
        with app.app_context():
            db.session.execute(text("DROP TABLE counter"))
            db.session.commit()


def _twenty_threads_bump_the_counter(app: Flask) -> None:
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            with app.app_context():
                with serialized_write("counter") as session:
                    n = session.execute(text("SELECT n FROM counter")).scalar_one()
                    session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.execute(text("SELECT n FROM counter")).scalar_one() == 20
