"""Search over the articles' full text, kept in step with edits and deletes by the database."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from blueprints.blog.models import Post
from blueprints.blog.publishing import apply_body
from blueprints.blog.search import (
    PG_MATCH,
    _excerpt,
    _ilike_matches,
    fts_match_expression,
    search_terms,
    tsquery_expression,
)
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness.blog import add_post
from harness.instants import clock_marks

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")

RESULT_LINKS = re.compile(r'<h2><a href="/blog/([a-z0-9-]+)">')


def found(client: FlaskClient, query: str) -> list[str]:
    """Slugs on the results page for `query`, best first."""
    response = client.get("/blog/search", query_string={"q": query})
    assert response.status_code == 200
    return RESULT_LINKS.findall(response.get_data(as_text=True))


def index_rows(app: Flask) -> int:
    """How many documents the full-text index holds."""
    with app.app_context():
        return db.session.scalar(text("SELECT count(*) FROM post_search_docsize"))


@pytest.fixture
def articles(app: Flask) -> Flask:
    """Three public articles and a draft, with words that appear in one body only."""
    with app.app_context():
        add_post(
            "desk-stiffness",
            title="Stiff after a day at the desk",
            summary="Short breaks that help.",
            body="Sitting is fine; staying still for hours is the problem. Try a thoracic "
            "rotation every hour, and stand up when the kettle boils.",
            days_ago=3,
        )
        add_post(
            "hinge-patterns",
            title="Learning to hinge",
            summary="The hip hinge, step by step.",
            body="A dowel along your spine teaches the hinge. Later, a kettlebell deadlift "
            "builds on it.",
            days_ago=2,
        )
        add_post(
            "kettlebell-basics",
            title="Kettlebell basics",
            summary="Choosing a first kettlebell.",
            body="Start light. The swing comes after the deadlift.",
            days_ago=1,
        )
        add_post("draft-notes", status="draft", body="Notes on thoracic mobility.")
    return app


def test_a_word_only_in_the_body_finds_the_article(client: FlaskClient, articles: Flask) -> None:
    assert found(client, "boils") == ["desk-stiffness"]
    assert found(client, "thoracic") == ["desk-stiffness"]  # the draft's mention stays hidden


def test_every_word_must_match_and_words_match_their_forms(
    client: FlaskClient, articles: Flask
) -> None:
    assert set(found(client, "kettlebell deadlift")) == {"hinge-patterns", "kettlebell-basics"}
    assert found(client, "kettlebell dowel") == ["hinge-patterns"]
    assert found(client, "deadlifts") != []  # stemming: deadlifts ~ deadlift
    assert found(client, "hing") == ["hinge-patterns"]  # the last word is a prefix (typing)
    assert found(client, "kettlebell unicorn") == []


def test_a_title_match_ranks_above_a_body_mention(client: FlaskClient, articles: Flask) -> None:
    assert found(client, "kettlebell")[0] == "kettlebell-basics"


def test_an_edit_updates_the_index(app: Flask, client: FlaskClient, articles: Flask) -> None:
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.slug == "desk-stiffness"))
        apply_body(post, "Walk to the water cooler instead.")
        db.session.commit()
    assert found(client, "boils") == []
    assert found(client, "cooler") == ["desk-stiffness"]


def test_a_plain_orm_edit_of_the_title_is_indexed_too(
    app: Flask, client: FlaskClient, articles: Flask
) -> None:
    """The studio saves titles with an ordinary commit; the triggers keep search in step."""
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.slug == "hinge-patterns"))
        post.title = "Hip hinge drills for beginners"
        db.session.commit()
    assert found(client, "beginners") == ["hinge-patterns"]
    assert found(client, "learning") == []


def test_a_deleted_article_disappears_from_search(
    app: Flask, client: FlaskClient, articles: Flask
) -> None:
    assert found(client, "swing") == ["kettlebell-basics"]
    with app.app_context():
        db.session.delete(db.session.scalar(select(Post).where(Post.slug == "kettlebell-basics")))
        db.session.commit()
    assert found(client, "swing") == []


@pytest.mark.sqlite_only
def test_a_delete_leaves_the_fts_index_consistent(
    app: Flask, client: FlaskClient, articles: Flask
) -> None:
    before = index_rows(app)
    with app.app_context():
        db.session.delete(db.session.scalar(select(Post).where(Post.slug == "kettlebell-basics")))
        db.session.commit()
    assert index_rows(app) == before - 1
    with app.app_context():
        integrity = db.session.execute(
            text("INSERT INTO post_search(post_search, rank) VALUES ('integrity-check', 1)")
        )
        assert integrity is not None  # raises if the index and the posts disagree


def test_publishing_a_draft_makes_it_findable(
    app: Flask, client: FlaskClient, articles: Flask
) -> None:
    with app.app_context():
        draft = db.session.scalar(select(Post).where(Post.slug == "draft-notes"))
        draft.status = "published"
        draft.published_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert set(found(client, "thoracic")) == {"desk-stiffness", "draft-notes"}


@pytest.mark.sqlite_only
def test_the_index_triggers_exist_after_all_migrations(app: Flask) -> None:
    """A later batch migration on "post" would silently drop them; this catches it."""
    with app.app_context():
        triggers = set(
            db.session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'post'")
            )
        )
    assert {
        "post_search_after_insert",
        "post_search_after_delete",
        "post_search_after_update",
    } <= triggers


@pytest.mark.postgres_only
def test_postgres_search_uses_the_full_text_index(app: Flask, articles: Flask) -> None:
    """The query spells the document exactly as the migration's GIN index does."""
    with app.app_context():
        # three articles are too few for the planner to choose an index by itself
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = db.session.execute(
            text(f"EXPLAIN SELECT id FROM post WHERE {PG_MATCH}"),
            {"match": tsquery_expression(["hing"])},
        ).scalars()
        assert "ix_post_search" in "\n".join(plan)


@pytest.mark.postgres_only
def test_postgres_search_ignores_words_too_common_to_index(
    client: FlaskClient, articles: Flask
) -> None:
    # "the" is a stop word in PostgreSQL's English configuration: it narrows nothing
    assert found(client, "the kettlebell deadlift") == found(client, "kettlebell deadlift")


def test_excerpt_marks_the_words_and_escapes_the_text(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        add_post(
            "escapes",
            title="Escapes",
            body="Load it slowly: 5 < 6 & <b>bold</b> <script>alert(1)</script> goblet squat.",
        )
    page = client.get("/blog/search", query_string={"q": "goblet"}).get_data(as_text=True)
    assert "<mark>goblet</mark>" in page
    assert "5 &lt; 6 &amp; bold alert(1) <mark>goblet</mark>" in page  # tags dropped, text kept
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    "query",
    [
        '"', "'", '"unbalanced', "AND", "OR NOT", "NEAR(", "kettle*", "*", "-kettle", "^kettle",
        "title:kettle", "{title}: x", "(", ")", "\\", "%", "_", "a" * 500, "🙂", "ü", "\x00",
        "kettle; DROP TABLE post", " ", "&#60;script&#62;",
    ],
)  # fmt: skip
def test_odd_queries_never_cause_an_error(client: FlaskClient, articles: Flask, query: str) -> None:
    response = client.get("/blog/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script" not in response.get_data(as_text=True).split("</head>", 1)[1]


def test_operators_are_searched_as_plain_words() -> None:
    assert search_terms('kettle* AND "NEAR(x" -y') == ["kettle", "and", "near", "x", "y"]
    assert fts_match_expression(["hip", "hin"]) == '"hip" "hin"*'
    assert tsquery_expression(["hip", "hin"]) == "'hip' & 'hin':*"


def test_empty_query_explains_what_to_do(client: FlaskClient) -> None:
    page = client.get("/blog/search").get_data(as_text=True)
    assert "Type a word or two" in page
    assert '<meta name="robots" content="noindex">' in page


def test_no_results_says_so(client: FlaskClient, articles: Flask) -> None:
    page = client.get("/blog/search", query_string={"q": "unicorn"}).get_data(as_text=True)
    assert "No article mentions &ldquo;unicorn&rdquo;" in page


def test_htmx_gets_only_the_results_and_caches_are_told(
    client: FlaskClient, articles: Flask
) -> None:
    full = client.get("/blog/search", query_string={"q": "boils"})
    partial = client.get(
        "/blog/search", query_string={"q": "boils"}, headers={"HX-Request": "true"}
    )
    boosted = client.get(
        "/blog/search",
        query_string={"q": "boils"},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )

    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in partial.headers["Vary"]
    assert "<html" in full.get_data(as_text=True) and 'id="search-q"' in full.get_data(as_text=True)
    fragment = partial.get_data(as_text=True)
    assert "<html" not in fragment and 'id="search-q"' not in fragment
    assert RESULT_LINKS.findall(fragment) == ["desk-stiffness"]
    assert "<html" in boosted.get_data(as_text=True)


def test_search_form_works_without_javascript_and_pushes_its_url_with_htmx(
    client: FlaskClient,
) -> None:
    page = client.get("/blog/").get_data(as_text=True)
    start = page.index('<form class="search-form"')
    form = page[start : page.index("</form>", start)]
    assert 'method="get" action="/blog/search"' in form
    assert 'hx-get="/blog/search"' in form and 'hx-push-url="true"' in form
    assert 'hx-target="#listing"' in form and 'id="listing"' in page


def test_the_fallback_search_for_other_databases_finds_body_words(
    app: Flask, articles: Flask
) -> None:
    """Databases other than SQLite and PostgreSQL use ILIKE over the same columns."""
    with app.app_context():
        add_post("sore-back-note", title="Odd", body="A sore back and a snake_case word.")

        def slugs(terms: list[str]) -> list[str]:
            return [hit.post.slug for hit in _ilike_matches(terms, 10)]

        assert slugs(["boils"]) == ["desk-stiffness"]
        assert set(slugs(["kettlebell", "deadlift"])) == {"hinge-patterns", "kettlebell-basics"}
        assert slugs(["thoracic"]) == ["desk-stiffness"]  # not the draft
        assert slugs(["snake_case"]) == ["sore-back-note"]
        assert slugs(["sore", "e_b"]) == []  # "_" is a literal underscore, not a wildcard


@settings(max_examples=300, deadline=None, database=None)
@given(raw=st.text(alphabet=list("<>&\"' ab/=\x02\x03[]()#*scriptmark"), max_size=80))
def test_an_excerpt_can_only_ever_contain_mark_tags(raw: str) -> None:
    html = str(_excerpt(Post(title="T", summary="S"), raw))
    assert {name for name in re.findall(r"</?([a-zA-Z]+)", html)} <= {"mark"}, html
