"""The demo content as files: `content/` parsed, seeded, re-seeded and overwritten on request."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from blueprints.blog.models import Post, PostDrill
from blueprints.blog.seed import article_values
from blueprints.drills.models import DIRECTIONS, Drill
from blueprints.drills.seed import drill_values
from blueprints.programs.models import Program
from blueprints.programs.seed import program_values
from blueprints.shared.clock import utcnow
from blueprints.shared.content import ContentError, parse_content, read_content_folder
from blueprints.shared.extensions import db
from harness import make_app, shutdown_app
from harness.coach import coach_client

CONTENT = Path(__file__).resolve().parents[2] / "content"
READERS = {"articles": article_values, "drills": drill_values, "programs": program_values}

NEW_ARTICLE = """\
+++
title = "Carrying shopping without dreading it"
summary = "Split the load, keep it close, and let your legs help."
tags = ["everyday", "Back-Pain"]
days_ago = 2
+++

## Two bags, not one

Carry a bag in each hand so your spine does not lean to one side all the way home.
<script>stealCookies()</script>
<a href="/drills/" onclick="stealCookies()">The drill library</a>

[[drill:standing-side-reach]]
"""


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the demo content that a test may add files to."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


@pytest.fixture
def app(database_file: Path, content: Path) -> Iterator[Flask]:
    """An empty site whose `flask seed` reads the copied content folder."""
    application = make_app(database_file, CONTENT_FOLDER=str(content))
    yield application
    shutdown_app(application)


def _seed(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["seed", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("kind", sorted(READERS))
def test_every_content_file_parses(kind: str) -> None:
    files = read_content_folder(CONTENT / kind)
    assert files, f"content/{kind} has no .md files"
    for file in files:
        READERS[kind](file)  # raises ContentError naming the file
        assert file.body.strip(), f"{file.path} has no body"


def test_the_demo_library_has_four_drills_in_every_direction() -> None:
    drills = [drill_values(file) for file in read_content_folder(CONTENT / "drills")]
    assert len(drills) == 16
    assert Counter(drill["direction"] for drill in drills) == dict.fromkeys(DIRECTIONS, 4)
    for direction in DIRECTIONS:
        positions = sorted(d["position"] for d in drills if d["direction"] == direction)
        assert positions == [1, 2, 3, 4], direction


def test_every_embedded_drill_exists() -> None:
    slugs = {file.slug for file in read_content_folder(CONTENT / "drills")}
    for kind in ("articles", "programs"):
        for file in read_content_folder(CONTENT / kind):
            embedded = set(re.findall(r"^\[\[drill:([a-z0-9-]+)\]\]$", file.body, re.M))
            assert embedded <= slugs, f"{file.path} embeds unknown drills {embedded - slugs}"


def test_seed_loads_every_file_and_twice_adds_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    first = _seed(runner)
    assert "16 drills" in first and "6 articles" in first and "2 programs" in first
    with app.app_context():
        counts = [_count(Drill), _count(Post), _count(Program)]
        drafts = db.session.scalars(select(Post.slug).where(Post.status == "draft")).all()
        per_direction = dict(
            db.session.execute(
                select(Drill.direction, func.count()).group_by(Drill.direction)
            ).all()
        )
    assert counts == [16, 6, 2]
    assert drafts == ["sleep-positions-for-a-sore-back"]
    assert per_direction == dict.fromkeys(DIRECTIONS, 4)

    assert "nothing new" in _seed(runner)
    with app.app_context():
        assert [_count(Drill), _count(Post), _count(Program)] == counts


def test_a_new_article_file_becomes_a_sanitised_published_article(
    app: Flask, runner: FlaskCliRunner, content: Path
) -> None:
    _seed(runner)
    (content / "articles" / "carrying-shopping.md").write_text(NEW_ARTICLE, encoding="utf-8")
    (content / "drills" / "coach-notes.txt").write_text("not = [markdown")  # not a .md: ignored
    before = utcnow()
    assert "Seeded: 1 articles." in _seed(runner)
    after = utcnow()

    page = app.test_client().get("/blog/carrying-shopping")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Carrying shopping without dreading it" in html
    assert '<h2 id="two-bags-not-one">Two bags, not one</h2>' in html
    assert "stealCookies" not in html and "onclick" not in html
    assert '<a href="/drills/standing-side-reach">Standing side reach</a>' in html  # drill card
    assert "/blog/carrying-shopping" in app.test_client().get("/blog/").get_data(as_text=True)
    with app.app_context():
        post = db.session.scalars(select(Post).where(Post.slug == "carrying-shopping")).one()
        assert post.status == "published"
        assert before - timedelta(days=2) <= post.published_at <= after - timedelta(days=2)
        assert [tag.name for tag in post.tags] == ["back-pain", "everyday"]  # matched, not doubled
        assert db.session.scalar(
            select(Drill.slug).join(PostDrill).where(PostDrill.post_id == post.id)
        ) == ("standing-side-reach")
    assert "matches its files" in _seed(runner, "--update")  # "Back-Pain" is the same tag


def test_new_drill_and_program_files_appear_on_the_site(
    app: Flask, runner: FlaskCliRunner, content: Path
) -> None:
    _seed(runner)
    drill = (content / "drills" / "cat-cow.md").read_text().replace("Cat-cow", "Seated cat-cow")
    (content / "drills" / "seated-cat-cow.md").write_text(drill)
    program = (content / "programs" / "back-basics-group-course.md").read_text()
    program = program.replace("Back Basics: six-week", "Back Basics: spring")
    (content / "programs" / "back-basics-spring.md").write_text(program)
    # the copied program file carries its default plan too
    assert "Seeded: 1 drills, 1 programs, 1 program plans." in _seed(runner)

    client = app.test_client()
    drill_page = client.get("/drills/seated-cat-cow").get_data(as_text=True)
    assert "Seated cat-cow" in drill_page
    assert "Start on hands and knees, hands under shoulders and knees under hips." in drill_page
    program_page = client.get("/programs/back-basics-spring")
    assert program_page.status_code == 200
    assert "Back Basics: spring" in program_page.get_data(as_text=True)
    assert "Week 3: Bending sideways." in program_page.get_data(as_text=True)


def _edit_article_in_studio(coach: FlaskClient, post_id: int) -> None:
    response = coach.post(
        f"/studio/articles/{post_id}/edit",
        data={
            "title": "My own title",
            "slug": "lying-still-wont-settle-your-back",
            "summary": "Rewritten by the coach.",
            "body_md": "Rewritten by the coach.",
            "tags": "mine",
            "cover_alt": "",
            "publication": "published",
            "publish_at": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_studio_edit_survives_seed_and_update_overwrites_it(
    app: Flask, runner: FlaskCliRunner
) -> None:
    _seed(runner)
    slug = "lying-still-wont-settle-your-back"
    with app.app_context():
        post = db.session.scalars(select(Post).where(Post.slug == slug)).one()
        post_id, published_at, body = post.id, post.published_at, post.body_md
        drill = db.session.scalars(select(Drill).where(Drill.slug == "cat-cow")).one()
        drill.name = "Cat and cow"  # as the studio's drill editor would save it
        db.session.commit()
    _edit_article_in_studio(coach_client(app), post_id)

    assert "nothing new" in _seed(runner)
    reader = app.test_client()
    html = reader.get(f"/blog/{slug}").get_data(as_text=True)
    assert "My own title" in html and "Rewritten by the coach." in html
    assert "Cat and cow" in reader.get("/drills/cat-cow").get_data(as_text=True)

    output = _seed(runner, "--update")
    assert "1 drills" in output and "1 articles" in output  # only what differs from the files
    html = reader.get(f"/blog/{slug}").get_data(as_text=True)
    assert "Why lying still won&#39;t settle your back on its own" in html
    assert "My own title" not in html and "Rewritten by the coach." not in html
    assert "Cat-cow" in reader.get("/drills/cat-cow").get_data(as_text=True)
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.body_md == body
        assert post.published_at == published_at  # overwriting does not re-date it
        assert sorted(tag.name for tag in post.tags) == ["back-pain", "beginners", "recovery"]
        assert db.session.scalar(select(Post.status).where(Post.slug.like("sleep-%"))) == "draft"
    assert reader.get("/blog/sleep-positions-for-a-sore-back").status_code == 404
    assert "matches its files" in _seed(runner, "--update")


def test_if_empty_seeds_an_empty_site_only(app: Flask, runner: FlaskCliRunner) -> None:
    assert "16 drills" in _seed(runner, "--if-empty")
    assert "not seeding" in _seed(runner, "--if-empty")


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ('+++\ntitle = "A\nsummary = "x"\n+++\nBody\n', ":2:", "malformed front matter"),
        ('+++\ntitle = "A"\ndays_ago = 3\ntags = ["a",\n+++\nBody\n', ":5:", "malformed"),
        ('title = "A"\n+++\nBody\n', ":1:", "must start with a +++ line"),
        ('+++\ntitle = "A"\ndays_ago = 1\nBody\n', ":1:", "no closing +++"),
        ('+++\ntitle = "A"\ndays_ago = 1\nsumary = "x"\n+++\nBody\n', ":4:", "'sumary'"),
        ('+++\ntitle = "A"\ndays_ago = "yesterday"\n+++\nBody\n', ":3:", "a whole number"),
        ('+++\nsummary = "No title"\ndays_ago = 1\n+++\nBody\n', "broken.md:", "needs title"),
    ],
)
def test_a_malformed_file_is_named_and_nothing_is_seeded(
    app: Flask, runner: FlaskCliRunner, content: Path, text: str, where: str, says: str
) -> None:
    broken = content / "articles" / "broken.md"
    broken.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0
    assert f"{broken}{where}" in result.output if where.startswith(":") else where in result.output
    assert says in result.output and "Nothing was seeded." in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert _count(Drill) == 0 and _count(Post) == 0  # one transaction: nothing half-done


def test_drill_steps_must_be_a_numbered_list(tmp_path: Path) -> None:
    path = tmp_path / "odd-drill.md"
    text = (CONTENT / "drills" / "cat-cow.md").read_text().replace("\n2. ", "\nThen: ")
    with pytest.raises(ContentError, match=r"odd-drill\.md:\d+: the steps should be a numbered"):
        drill_values(parse_content(path, text))


def test_a_wrapped_step_continues_on_an_indented_line(tmp_path: Path) -> None:
    text = (CONTENT / "drills" / "cat-cow.md").read_text()
    original = drill_values(parse_content(tmp_path / "cat-cow.md", text))
    first = original["steps"].splitlines()[0]
    head, _, tail = first.rpartition(" ")
    wrapped = text.replace(f"1. {first}", f"1. {head}\n   {tail}")
    assert wrapped != text
    assert drill_values(parse_content(tmp_path / "cat-cow.md", wrapped)) == original
