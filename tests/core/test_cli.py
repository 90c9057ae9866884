"""The command line: demo content and the first studio login."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from blueprints.blog.models import Post
from blueprints.booking.models import WeeklyHours
from blueprints.drills.models import Drill
from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from blueprints.studio.models import User


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_seed_creates_the_demo_site_and_is_safe_to_run_twice(
    app: Flask, runner: FlaskCliRunner
) -> None:
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        counts = [_count(m) for m in (Post, Drill, Program, WeeklyHours)]
        published = db.session.scalar(
            select(func.count()).select_from(Post).where(Post.status == "published")
        )
        per_direction = dict(
            db.session.execute(
                select(Drill.direction, func.count()).group_by(Drill.direction)
            ).all()
        )
    assert published >= 4
    assert counts[1] >= 12 and counts[2] == 2 and counts[3] >= 5
    assert set(per_direction) == {"extension", "flexion", "side_flexion", "rotation"}
    assert min(per_direction.values()) >= 3

    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert "nothing new" in second.output
    with app.app_context():
        assert [_count(m) for m in (Post, Drill, Program, WeeklyHours)] == counts


def test_seed_if_empty_leaves_a_site_with_content_alone(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["seed"])
    with app.app_context():
        db.session.delete(db.session.scalars(select(Post)).first())
        db.session.commit()
        before = _count(Post)
    result = runner.invoke(args=["seed", "--if-empty"])
    assert "not seeding" in result.output
    with app.app_context():
        assert _count(Post) == before  # the coach's deletion stands


def test_create_admin_prompts_and_never_echoes_the_password(
    app: Flask, runner: FlaskCliRunner
) -> None:
    secret = "correct horse battery staple"
    result = runner.invoke(args=["create-admin"], input=f"Coach@Example.com\n{secret}\n{secret}\n")
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert "Created studio login for coach@example.com" in result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.email == "coach@example.com"
        assert secret not in user.password_hash
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password(secret)
        assert not user.check_password("wrong password")


def test_create_admin_rejects_a_short_password_and_a_bad_email(
    app: Flask, runner: FlaskCliRunner
) -> None:
    short = runner.invoke(args=["create-admin", "--email", "a@example.com"], input="short\nshort\n")
    assert short.exit_code != 0
    assert "at least 10 characters" in short.output
    bad = runner.invoke(
        args=["create-admin", "--email", "not-an-email"], input="long enough pw\nlong enough pw\n"
    )
    assert bad.exit_code != 0
    with app.app_context():
        assert _count(User) == 0


def test_create_admin_twice_resets_the_password(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["create-admin", "--email", "c@example.com"], input="first password\n" * 2)
    runner.invoke(args=["create-admin", "--email", "c@example.com"], input="second password\n" * 2)
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.check_password("second password")
