"""/search: one box in every page's header, articles and drills grouped (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from blueprints.drills.models import Drill
from blueprints.drills.search import COUNT_LIMIT, PG_MATCH
from blueprints.shared.extensions import db
from blueprints.shared.fulltext import MAX_QUERY_LENGTH, tsquery_expression
from harness.coach import coach_client
from harness.drills import add_drill, add_many_drills, expected_slugs

HTMX = {"HX-Request": "true"}
ARTICLE_LINK = re.compile(r'<h3><a href="/blog/([a-z0-9-]+)">')
DRILL_RESULT = re.compile(
    r'<li class="card search-drill" data-direction="([a-z_]+)">'
    r'<p class="drill-card-kicker">([^<]*)</p><h3><a href="/drills/([a-z0-9-]+)">'
)


def group_count(html: str, group: str) -> int:
    """The number a group's heading shows ("Articles 3", "Drills 12")."""
    match = re.search(rf'<h2 id="found-{group}">\w+ <span class="count">(\d+)\+?</span>', html)
    assert match, f"no {group} group"
    return int(match.group(1))


def search(client: FlaskClient, query: str, **headers: str) -> tuple[int, str]:
    """Status and body of the search page for `query`."""
    response = client.get("/search", query_string={"q": query}, headers=headers)
    return response.status_code, response.get_data(as_text=True)


def found_drills(client: FlaskClient, query: str) -> list[str]:
    """Slugs of the drills the search page lists for `query`."""
    status, html = search(client, query)
    assert status == 200
    return [slug for _, _, slug in DRILL_RESULT.findall(html)]


def test_results_are_grouped_with_counts_links_and_directions(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    status, html = search(seeded_client, "curl")
    assert status == 200
    articles = ARTICLE_LINK.findall(html)
    assert "jefferson-curl-loading-flexion-gradually" in articles
    assert group_count(html, "articles") == len(articles)
    drills = DRILL_RESULT.findall(html)
    want = expected_slugs(seeded_app, words=["curl"])
    assert sorted(slug for _, _, slug in drills) == sorted(want)
    assert group_count(html, "drills") == len(want)
    # The name counts most: the drill called "Jefferson curl" comes first.
    assert drills[0] == ("flexion", "Flexion &middot; Advanced", "jefferson-curl")
    assert html.index('id="found-articles"') < html.index('id="found-drills"')
    assert '<meta name="robots" content="noindex">' in html


def test_words_in_a_drill_s_steps_and_cues_are_found_and_forms_of_a_word_match(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    # "glued" is in the open book's cues ("Keep your knees glued together."), not its summary.
    found = found_drills(seeded_client, "glued together")
    assert found == expected_slugs(seeded_app, words=["glued", "together"]) == ["open-book"]
    # Stemming: "twisting" finds the drills that say "twist".
    assert set(found_drills(seeded_client, "twist")) <= set(found_drills(seeded_client, "twisting"))


def test_many_matching_drills_link_to_the_library_filtered_by_the_same_words(
    app: Flask, client: FlaskClient
) -> None:
    for number in range(15):
        add_drill(app, f"pallof-{number:02d}", summary=f"Press number {number} against a band.")
    status, html = search(client, "band press")
    assert status == 200
    assert group_count(html, "drills") == 15
    assert len(DRILL_RESULT.findall(html)) == 10
    assert 'href="/drills/?q=band+press"' in html
    library = client.get("/drills/?q=band+press").get_data(as_text=True)
    assert "15 drills" in library


def test_past_the_count_limit_the_drill_count_says_so_rather_than_counting_on(
    app: Flask, client: FlaskClient
) -> None:
    add_many_drills(app, COUNT_LIMIT + 1, summary="Brace and breathe.")
    status, html = search(client, "brace")
    assert status == 200
    assert f'<span class="count">{COUNT_LIMIT}+</span>' in html
    assert f"and {COUNT_LIMIT}+ drills mention" in html
    assert f"All {COUNT_LIMIT}+ drills that mention" in html
    assert len(DRILL_RESULT.findall(html)) == 10
    # One fewer is counted exactly.
    add_drill(app, "just-one", summary="Press away.")
    add_many_drills(app, COUNT_LIMIT - 1, summary="Press away again.", seed=8, prefix="more")
    html = search(client, "press")[1]
    assert f'<span class="count">{COUNT_LIMIT}</span>' in html
    assert f"All {COUNT_LIMIT} drills that mention" in html


@pytest.mark.parametrize(
    "query",
    [
        '"', "'", "*", "-", "\\", "a:b", "NEAR(", "NEAR(curl, box)", "OR", "curl OR box", "AND NOT",
        "curl*", "-curl", "^curl", "name:curl", "{name}: x", "(", ")", "%", "_", "🙂", "ü",
        "curl; DROP TABLE drill", "&#60;script&#62;", "<script>alert(1)</script>", "'curl'::text",
        "a" * MAX_QUERY_LENGTH,
    ],
)  # fmt: skip
def test_hostile_input_is_searched_as_plain_words(seeded_client: FlaskClient, query: str) -> None:
    for headers in ({}, HTMX):
        status, html = search(seeded_client, query, **headers)
        assert status == 200
        assert "<script>" not in html.split("</head>", 1)[-1]


def test_quotes_and_operators_do_not_change_what_is_found(seeded_client: FlaskClient) -> None:
    plain = found_drills(seeded_client, "jefferson curl")
    assert plain
    for dressed in ('"jefferson" curl', "jefferson* curl", "-jefferson curl", "(jefferson) curl:"):
        assert found_drills(seeded_client, dressed) == plain


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_query_too_long_is_a_400_with_the_message_beside_the_field(
    seeded_client: FlaskClient, headers: dict[str, str]
) -> None:
    status, html = search(seeded_client, "curl " * 40, **headers)
    assert status == 400
    assert f"Please keep the search to {MAX_QUERY_LENGTH} characters or fewer." in html
    if not headers:
        box = html[html.index('<form class="site-search"') : html.index("</form>")]
        assert 'aria-invalid="true" aria-describedby="search-error"' in box
        assert '<p class="field-error" id="search-error">' in box
        assert re.search(r'value="(curl ){20}', box)  # the words stay, to be shortened


def test_an_empty_search_is_a_friendly_page(client: FlaskClient) -> None:
    for query in ("", "   "):
        status, html = search(client, query)
        assert status == 200
        assert "Type a word or two in the search box" in html
        assert 'href="/drills/"' in html and 'href="/blog/"' in html
    assert client.get("/search").status_code == 200


def test_the_header_box_is_a_small_get_form_on_every_page(seeded_client: FlaskClient) -> None:
    for path in ("/", "/blog/", "/drills/", "/drills/open-book", "/programs/", "/contact/"):
        html = seeded_client.get(path).get_data(as_text=True)
        start = html.index('<form class="site-search"')
        box = html[start : html.index("</form>", start) + len("</form>")]
        assert 'method="get" action="/search"' in box
        assert 'name="q"' in box and 'aria-label="Search articles and drills"' in box
        for attribute in (
            'hx-get="/search"',
            'hx-trigger="input changed delay:300ms, search"',
            'hx-target="#main"',
            'hx-push-url="true"',
        ):
            assert attribute in box
        assert len(box.encode()) < 600, len(box.encode())
    # On the search page the box holds the words searched.
    assert 'name="q" value="open book"' in search(seeded_client, "open book")[1]


def test_htmx_gets_the_main_region_only_and_caches_are_told(seeded_client: FlaskClient) -> None:
    full = seeded_client.get("/search?q=curl")
    partial = seeded_client.get("/search?q=curl", headers=HTMX)
    restore = seeded_client.get(
        "/search?q=curl", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in full.get_data(as_text=True)
    fragment = partial.get_data(as_text=True)
    assert "<html" not in fragment and 'class="site-search"' not in fragment
    assert "<title>Search: curl &middot; " in fragment and 'id="found-drills"' in fragment
    assert "<html" in restore.get_data(as_text=True)
    assert all("HX-Request" in r.vary for r in (full, partial, restore))


def test_the_drill_library_q_filter_uses_the_same_search(seeded_client: FlaskClient) -> None:
    library = seeded_client.get("/drills/?q=glued+together").get_data(as_text=True)
    assert re.findall(
        r'<a href="/drills/([a-z0-9-]+)"', library.split('id="drill-results"')[1]
    ) == ["open-book"]


def test_editing_a_drill_in_the_studio_changes_what_search_finds(seeded_app: Flask) -> None:
    """Only the studio's ordinary save runs: the database keeps the index in step."""
    coach = coach_client(seeded_app)
    visitor = seeded_app.test_client()
    with seeded_app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "open-book"))
        form = {
            "name": drill.name, "slug": drill.slug, "direction": drill.direction,
            "level": drill.level, "equipment": drill.equipment_names,
            "position": str(drill.position), "summary": drill.summary, "steps": drill.steps,
            "cues": "Knees stay stacked like a closed quokka.", "mistakes": drill.mistakes,
            "progression": drill.progression, "video_url": "", "duration_seconds": "",
            "motion": drill.motion,
        }  # fmt: skip
        drill_id = drill.id
        db.session.remove()
    assert "open-book" in found_drills(visitor, "glued together")
    assert found_drills(visitor, "quokka") == []
    response = coach.post(f"/studio/drills/{drill_id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert found_drills(visitor, "quokka") == ["open-book"]
    assert "open-book" not in found_drills(visitor, "glued together")
    # A new drill is found, and a deleted one is gone.
    form.update(name="Quokka hop", slug="quokka-hop", cues="Land softly.")
    assert coach.post("/studio/drills/new", data=form).status_code == 302
    assert found_drills(visitor, "quokka") == ["quokka-hop", "open-book"]
    assert coach.post(f"/studio/drills/{drill_id}/delete").status_code == 302
    assert found_drills(visitor, "quokka") == ["quokka-hop"]


@pytest.mark.sqlite_only
def test_the_drill_index_triggers_exist_after_all_migrations_and_the_index_is_whole(
    seeded_app: Flask,
) -> None:
    """A later batch migration on "drill" would silently drop them; this catches it."""
    with seeded_app.app_context():
        triggers = set(
            db.session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'drill'")
            )
        )
        db.session.execute(
            text("INSERT INTO drill_search(drill_search, rank) VALUES ('integrity-check', 1)")
        )
        indexed = db.session.scalar(text("SELECT count(*) FROM drill_search_docsize"))
        drills = db.session.scalar(text("SELECT count(*) FROM drill"))
    assert {f"drill_search_after_{event}" for event in ("insert", "delete", "update")} <= triggers
    assert indexed == drills == 16


@pytest.mark.postgres_only
def test_postgres_drill_search_uses_the_full_text_index(seeded_app: Flask) -> None:
    """The query spells the document exactly as the migration's GIN index does."""
    with seeded_app.app_context():
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # 16 drills are too few
        plan = db.session.execute(
            text(f"EXPLAIN SELECT id FROM drill WHERE {PG_MATCH}"),
            {"match": tsquery_expression(["curl"])},
        ).scalars()
        assert "ix_drill_search" in "\n".join(plan)
