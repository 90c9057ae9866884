"""The one database: SQLite pragmas, migrations in step with models, serialized writes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, select, text

from app import db
from blueprints.contact.models import Enquiry
from blueprints.shared.database import serialized_write
from tests.support import make_app, shutdown_app


def test_every_connection_has_wal_busy_timeout_and_foreign_keys(app: Flask) -> None:
    # two different pooled connections, both configured
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    from blueprints.contact.models import Booking

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


def _outside_models_ignored(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # The FTS5 search tables are made by a migration on purpose and have no model.
    return not (
        type_ == "table" and reflected and compare_to is None and name.startswith("post_search")
    )


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
