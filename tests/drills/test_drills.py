"""The drill library and drill pages, as a visitor (or htmx) receives them."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from blueprints.blog.models import Post
from blueprints.blog.publishing import apply_body
from blueprints.drills.embeds import expand_drill_embeds
from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.models import Drill
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness.drills import HTMX, add_drill, card_slugs, cards, drill_count, expected_slugs
from harness.instants import at


def count_text(html: str) -> str:
    """What the live region says."""
    match = re.search(r'<p id="drill-count"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no live count in the response"
    return match.group(1).strip()


# ---------------------------------------------------------------- the library page


def test_library_opens_on_the_first_twelve_drills_in_progression_order(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    response = seeded_client.get("/drills/")
    html = response.get_data(as_text=True)
    everything = expected_slugs(seeded_app)
    assert response.status_code == 200
    assert len(everything) == drill_count(seeded_app) == 16
    assert card_slugs(html) == everything[:12]
    assert count_text(html) == "All 16 drills in the library."
    assert 'aria-live="polite"' in html
    assert 'href="/drills/?page=2"' in html


def test_every_card_carries_its_direction_and_level(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    html = seeded_client.get("/drills/?page=1").get_data(as_text=True)
    html += seeded_client.get("/drills/?page=2").get_data(as_text=True)
    with seeded_app.app_context():
        stored = {d.slug: (d.direction, d.level) for d in db.session.scalars(select(Drill))}
    seen = {card.slug: (card.direction, card.level) for card in cards(html)}
    assert seen == stored


@pytest.mark.parametrize(
    ("query", "oracle"),
    [
        ("direction=rotation", {"directions": ["rotation"]}),
        ("direction=side_flexion", {"directions": ["side_flexion"]}),
        ("direction=rotation&direction=flexion", {"directions": ["rotation", "flexion"]}),
        ("level=beginner", {"levels": ["beginner"]}),
        ("level=intermediate&level=advanced", {"levels": ["intermediate", "advanced"]}),
        ("equipment=none", {"equipment": ["none"]}),
        ("equipment=plate&equipment=band", {"equipment": ["plate", "band"]}),
        ("direction=rotation&equipment=none", {"directions": ["rotation"], "equipment": ["none"]}),
        (
            "direction=extension&level=advanced&equipment=dumbbell",
            {"directions": ["extension"], "levels": ["advanced"], "equipment": ["dumbbell"]},
        ),
        ("level=beginner&equipment=none", {"levels": ["beginner"], "equipment": ["none"]}),
        ("q=bench", {"words": ["bench"]}),
        ("q=ROTATION", {"words": ["rotation"]}),
        ("q=slowly+spine", {"words": ["slowly", "spine"]}),
        ("q=side&direction=side_flexion", {"words": ["side"], "directions": ["side_flexion"]}),
        (
            "direction=flexion&level=beginner&q=wall",
            {"directions": ["flexion"], "levels": ["beginner"], "words": ["wall"]},
        ),  # fmt: skip
    ],
)
def test_filters_combine_any_within_a_field_and_all_across_fields(
    seeded_app: Flask, seeded_client: FlaskClient, query: str, oracle: dict
) -> None:
    want = expected_slugs(seeded_app, **oracle)
    response = seeded_client.get(f"/drills/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert want, "each combination should match something in the demo library"
    assert card_slugs(html) == want[:12]
    for card in cards(html):
        assert not oracle.get("directions") or card.direction in oracle["directions"]
        assert not oracle.get("levels") or card.level in oracle["levels"]
    noun = "drill matches" if len(want) == 1 else "drills match"
    assert count_text(html) == f"{len(want)} {noun}."


def test_no_equipment_finds_drills_that_also_list_kit_for_loading(
    seeded_client: FlaskClient,
) -> None:
    html = seeded_client.get("/drills/?direction=rotation&equipment=none").get_data(as_text=True)
    # The Pallof press needs a band; the other three can start with nothing.
    assert card_slugs(html) == ["open-book", "braced-rotation", "seated-russian-twist"]
    html = seeded_client.get("/drills/?equipment=none&level=advanced").get_data(as_text=True)
    # The Jefferson curl needs its box (and the weight it is shown with): not a no-kit drill.
    assert card_slugs(html) == ["seated-russian-twist"]


def test_a_drill_says_what_it_needs_apart_from_what_it_progresses_with(
    seeded_client: FlaskClient,
) -> None:
    html = seeded_client.get("/drills/jefferson-curl").get_data(as_text=True)
    kit = html[html.index('<p class="meta drill-kit">') :]
    kit = " ".join(kit[: kit.index("</p>")].split())
    assert kit == '<p class="meta drill-kit">Needs: dumbbell, box<br>Progresses with: kettlebell'
    html = seeded_client.get("/drills/cat-cow").get_data(as_text=True)
    assert '<p class="meta drill-kit">Needs: no equipment</p>' in html
    listing = seeded_client.get("/drills/?q=twist").get_data(as_text=True)
    assert '<p class="drill-card-kit">No equipment</p>' in listing  # the plate is for later


def test_the_form_shows_the_active_filters(seeded_client: FlaskClient) -> None:
    html = seeded_client.get(
        "/drills/?direction=rotation&level=beginner&equipment=none&q=open"
    ).get_data(as_text=True)
    checked = re.findall(r'name="(\w+)" value="(\w+)" checked', html)
    assert sorted(checked) == [
        ("direction", "rotation"),
        ("equipment", "none"),
        ("level", "beginner"),
    ]
    assert 'name="q" value="open"' in html
    assert card_slugs(html) == ["open-book"]


def test_direction_toggles_count_the_whole_library(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    add_drill(seeded_app, "extra-twist", direction="rotation", level="advanced")
    html = seeded_client.get("/drills/?level=beginner&equipment=band").get_data(as_text=True)
    counts = dict(
        re.findall(
            r'value="(\w+)"[^>]*>\s*<span class="direction-name">[^<]+</span>\s*'
            r'<span class="direction-count">(\d+) drills?</span>',
            html,
        )
    )
    assert counts == {"extension": "4", "flexion": "4", "side_flexion": "4", "rotation": "5"}
    assert card_slugs(html) == ["pallof-press"]


def test_an_empty_result_says_so_and_offers_to_clear(seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/drills/?direction=extension&equipment=band")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert card_slugs(html) == []
    assert count_text(html) == "No drills match these filters."
    assert "No drill matches all of these filters yet." in html
    assert re.search(r'<a class="button button-quiet" href="/drills/">Clear the filters</a>', html)


def test_an_empty_library_is_not_an_error(client: FlaskClient) -> None:
    response = client.get("/drills/")
    assert response.status_code == 200
    assert count_text(response.get_data(as_text=True)) == "No drills match these filters."


def test_the_home_page_direction_tiles_open_the_filtered_library(
    seeded_client: FlaskClient,
) -> None:
    home = seeded_client.get("/").get_data(as_text=True)
    assert 'href="/drills/?direction=rotation"' in home
    html = seeded_client.get("/drills/?direction=rotation").get_data(as_text=True)
    assert {card.direction for card in cards(html)} == {"rotation"}
    assert 'value="rotation" checked' in html


def test_equal_filters_make_equal_links_whatever_order_they_came_in() -> None:
    a = DrillFilters.from_args(
        MultiDict([("direction", "rotation"), ("direction", "extension"), ("level", "advanced")])
    )
    b = DrillFilters.from_args(
        MultiDict([("level", "advanced"), ("direction", "extension"), ("direction", "rotation")])
    )
    assert a == b
    assert a.query_args(page=2) == {
        "direction": ["extension", "rotation"],
        "level": ["advanced"],
        "page": 2,
    }
    assert DrillFilters.from_args(MultiDict()).query_args() == {}


# ---------------------------------------------------------------- the htmx partial


def test_htmx_gets_only_the_results_small_and_marked_vary(seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/drills/", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html and "<form" not in html and "<header" not in html
    assert len(cards(html)) == 12
    assert len(response.data) < 10 * 1024, len(response.data)
    # The live region is updated in place (out of band) so screen readers announce it.
    assert '<p id="drill-count" hx-swap-oob="innerHTML">All 16 drills in the library.</p>' in html


def test_twelve_long_cards_still_fit_in_ten_kilobytes(app: Flask, client: FlaskClient) -> None:
    summary = ("Slow, careful and deliberate loading through the whole range of motion. " * 4)[:300]
    for number in range(12):
        add_drill(
            app,
            f"long-drill-name-for-the-size-check-{number:02d}",
            position=number,
            summary=summary,
            equipment=["none", "dumbbell", "plate", "kettlebell"],
            name="A deliberately long drill name to weigh the card " + str(number),
        )
    response = client.get("/drills/?direction=rotation&equipment=none", headers=HTMX)
    assert len(cards(response.get_data(as_text=True))) == 12
    assert len(response.data) < 10 * 1024, len(response.data)


def test_the_full_page_includes_the_same_results_and_also_varies(
    seeded_client: FlaskClient,
) -> None:
    page = seeded_client.get("/drills/?direction=flexion")
    partial = seeded_client.get("/drills/?direction=flexion", headers=HTMX)
    assert "HX-Request" in page.headers["Vary"]
    assert "<html" in page.get_data(as_text=True)
    assert card_slugs(page.get_data(as_text=True)) == card_slugs(partial.get_data(as_text=True))


def test_history_restore_and_boosted_requests_get_the_whole_page(
    seeded_client: FlaskClient,
) -> None:
    for extra in ({"HX-History-Restore-Request": "true"}, {"HX-Boosted": "true"}):
        html = seeded_client.get("/drills/?direction=rotation", headers={**HTMX, **extra})
        assert "<html" in html.get_data(as_text=True)


def test_the_form_is_a_real_get_form_that_htmx_enhances(seeded_client: FlaskClient) -> None:
    html = seeded_client.get("/drills/").get_data(as_text=True)
    form = re.search(r"<form id=\"drill-filters\"[^>]*>", html, re.S)
    assert form
    tag = form.group(0)
    for attribute in (
        'method="get"',
        'action="/drills/"',
        'hx-get="/drills/"',
        'hx-target="#drill-results"',
        'hx-push-url="true"',
    ):
        assert attribute in tag
    assert 'hx-trigger="input changed delay:300ms"' in html  # debounced typing
    assert '<button type="submit">Show drills</button>' in html  # works without JavaScript
    assert "style=" not in html and " onclick" not in html and "hx-on" not in html


def count_selects(app: Flask, client: FlaskClient, url: str) -> tuple[int, str]:
    """SELECT statements one request runs, and its body."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        # The page cache's version check (at most once a second) is not the library's query.
        if "FROM content_version" in statement:
            return
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        body = client.get(url, headers=HTMX).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements), body


def test_the_number_of_queries_does_not_grow_with_the_cards(
    app: Flask, client: FlaskClient
) -> None:
    for number in range(30):
        add_drill(app, f"drill-{number}", position=number, equipment=["none", "band"])
    one, one_body = count_selects(app, client, "/drills/?q=29")
    many, many_body = count_selects(app, client, "/drills/?direction=rotation")
    assert (len(cards(one_body)), len(cards(many_body))) == (1, 12)
    # One path with or without search words, on every database: the page of drills with how
    # many match, then their equipment.
    assert many == one == 2


# ---------------------------------------------------------------- paging


def test_more_drills_is_a_plain_link_that_htmx_appends(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    everything = expected_slugs(seeded_app)
    first = seeded_client.get("/drills/").get_data(as_text=True)
    link = re.search(r'<a class="button button-quiet" href="([^"]+)"([^>]*)>More drills</a>', first)
    assert link and link.group(1) == "/drills/?page=2"
    assert 'hx-get="/drills/?page=2"' in link.group(2)
    assert 'hx-select=".drill-page, .drill-more"' in link.group(2)
    assert 'hx-swap="outerHTML"' in link.group(2)
    second = seeded_client.get("/drills/?page=2").get_data(as_text=True)
    assert card_slugs(second) == everything[12:]
    assert "More drills" not in second
    assert '<a href="/drills/" rel="prev">Previous drills</a>' in second
    assert "Page 2 of 2" in second
    # After "more", focus moves to the first new drill rather than back to the top.
    assert re.search(rf'<a href="/drills/{everything[12]}" autofocus>', second)
    assert " autofocus" not in first


def test_paging_keeps_the_filters_and_covers_every_match_once(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    for number in range(25):
        add_drill(seeded_app, f"twist-{number:02d}", position=10 + number, level="advanced")
    want = expected_slugs(seeded_app, directions=["rotation"], levels=["advanced"])
    assert len(want) == 26
    seen: list[str] = []
    url = "/drills/?direction=rotation&level=advanced"
    for page_number in (1, 2, 3):
        html = seeded_client.get(url, headers=HTMX).get_data(as_text=True)
        seen += card_slugs(html)
        nxt = re.search(r'href="([^"]+)" hx-get="[^"]+"[^>]*>More drills', html)
        if page_number < 3:
            assert nxt
            url = nxt.group(1).replace("&amp;", "&")
            assert parse_qs(urlsplit(url).query) == {
                "direction": ["rotation"],
                "level": ["advanced"],
                "page": [str(page_number + 1)],
            }
        else:
            assert nxt is None
    assert seen == want


# ---------------------------------------------------------------- the drill page


def test_drill_page_teaches_the_drill(seeded_app: Flask, seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/drills/jefferson-curl")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    with seeded_app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "jefferson-curl"))
        assert drill is not None
        sections = [drill.steps, drill.cues, drill.mistakes, drill.progression]
        db.session.remove()
    assert "<h1>Jefferson curl</h1>" in html
    for heading, text in zip(
        ["How to do it", "What to think about", "Common mistakes", "How to load it over time"],
        sections,
        strict=True,
    ):
        assert f"<h2>{heading}</h2>" in html
        for line in text.splitlines():
            assert f"<li>{escape(line)}</li>" in html
    assert "Needs: dumbbell, box<br>Progresses with: kettlebell" in html
    # no video yet: the built-in demonstration, not a "coming soon" poster
    assert '<figure class="demo" data-demo>' in html
    assert "Video coming soon" not in html


def test_drill_page_with_a_video_shows_the_facade_not_the_player(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    with seeded_app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "open-book"))
        assert drill is not None
        drill.video_url = "https://www.youtube-nocookie.com/embed/abc123"
        db.session.commit()
    html = seeded_client.get("/drills/open-book").get_data(as_text=True)
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/abc123?autoplay=1"' in html
    assert "<iframe" not in html


@pytest.mark.parametrize(
    ("slug", "easier", "harder"),
    [
        ("open-book", None, "pallof-press"),
        ("braced-rotation", "pallof-press", "seated-russian-twist"),
        ("seated-russian-twist", "braced-rotation", None),
        ("cat-cow", None, "wall-roll-down"),
    ],
)
def test_easier_and_harder_follow_the_direction_s_progression(
    seeded_client: FlaskClient, slug: str, easier: str | None, harder: str | None
) -> None:
    html = seeded_client.get(f"/drills/{slug}").get_data(as_text=True)
    prev = re.search(r'href="/drills/([^"]+)" rel="prev"', html)
    nxt = re.search(r'href="/drills/([^"]+)" rel="next"', html)
    assert (prev.group(1) if prev else None) == easier
    assert (nxt.group(1) if nxt else None) == harder
    if harder is None:
        assert "This is the hardest" in html


def test_drills_sharing_a_position_are_ordered_by_when_they_were_added(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    add_drill(seeded_app, "kneeling-pallof-press", direction="rotation", position=2)
    html = seeded_client.get("/drills/kneeling-pallof-press").get_data(as_text=True)
    assert 'href="/drills/pallof-press" rel="prev"' in html
    assert 'href="/drills/braced-rotation" rel="next"' in html
    html = seeded_client.get("/drills/pallof-press").get_data(as_text=True)
    assert 'href="/drills/kneeling-pallof-press" rel="next"' in html


def _post(slug: str, status: str, published_at, body: str) -> Post:  # type: ignore[no-untyped-def]
    post = Post(slug=slug, title=slug.replace("-", " ").title(), status=status)
    post.published_at = published_at
    apply_body(post, body)
    return post


@at("tue-21:58")  # articles scheduled relative to now
def test_drill_page_lists_only_public_articles_that_embed_it(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    now = utcnow()
    with seeded_app.app_context():
        embed = "[[drill:cat-cow]]"
        db.session.add_all(
            [
                _post("draft-about-cat-cow", "draft", None, embed),
                _post("cat-cow-next-week", "scheduled", now + timedelta(days=7), embed),
                _post("cat-cow-just-now", "scheduled", now - timedelta(minutes=5), embed),
                _post("mentions-cat-cow-in-passing", "published", now, "Try cat-cow sometime."),
            ]
        )
        db.session.commit()
        embedding = db.session.scalars(
            select(Post.slug).where(Post.embedded_drills.any(drill_id=_drill_id("cat-cow")))
        ).all()
        db.session.remove()
    assert "draft-about-cat-cow" in embedding  # stored, yet not public
    html = seeded_client.get("/drills/cat-cow").get_data(as_text=True)
    listed = re.findall(r'<li><a href="/blog/([^"]+)">', html)
    assert listed == ["cat-cow-just-now", "lying-still-wont-settle-your-back"]


def _drill_id(slug: str) -> int:
    drill_id = db.session.scalar(select(Drill.id).where(Drill.slug == slug))
    assert drill_id is not None
    return drill_id


def test_drill_page_offers_a_consultation_about_this_drill(seeded_client: FlaskClient) -> None:
    html = seeded_client.get("/drills/braced-rotation").get_data(as_text=True)
    hrefs = re.findall(r'<a class="button" href="([^"]+)">Book a consultation</a>', html)
    assert len(hrefs) == 1
    url = urlsplit(hrefs[0].replace("&amp;", "&"))
    assert url.path == "/contact/"
    assert parse_qs(url.query) == {"topic": ["consultation"], "context": ["drill:braced-rotation"]}


def test_an_unknown_drill_is_a_404(seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/drills/no-such-drill")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_embed_card_articles_use_still_renders(seeded_app: Flask) -> None:
    with seeded_app.test_request_context("/blog/x"):
        html = str(expand_drill_embeds("<p>Try this:</p>\n<p>[[drill:side-plank]]</p>"))
    assert '<aside class="drill-embed card" data-direction="side_flexion"' in html
    assert 'data-level="beginner"' in html
    assert 'href="/drills/side-plank"' in html


@pytest.mark.parametrize(
    ("theme", "source"),
    [
        ("", '<source media="screen and (prefers-color-scheme: dark)" srcset="{dark}">'),
        ("dark", '<source media="screen" srcset="{dark}">'),
        ("light", None),
    ],
)
def test_a_cards_figure_comes_in_the_pages_colours(
    seeded_client: FlaskClient, theme: str, source: str | None
) -> None:
    if theme:
        seeded_client.set_cookie("theme", theme)
    html = seeded_client.get("/drills/?q=cat").get_data(as_text=True)
    light = re.search(r'<img src="([^"]+)" class="drill-card-picture drill-card-figure"', html)
    assert light is not None
    dark = light.group(1) + "&amp;theme=dark"
    if source is None:
        assert "theme=dark" not in html
    else:
        assert source.format(dark=dark) + light.group(0) in html
    svg = seeded_client.get(dark.replace("&amp;", "&")).get_data(as_text=True)
    assert 'class="stage" width="100%" height="100%" fill="#1d2529"' in svg
