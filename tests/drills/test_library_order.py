"""The library's order: directions in the order the spine is taught, easiest first within each,
and every direction on the first page however the drills are spread over them."""

from __future__ import annotations

import random
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert

from blueprints.drills.models import DIRECTIONS, LEVELS, Drill, DrillEquipment
from blueprints.drills.search import COUNT_LIMIT
from blueprints.shared.extensions import db
from harness.drills import HTMX, Card, add_drill, add_many_drills, cards, expected_slugs

ORDER = list(DIRECTIONS)  # extension, flexion, side_flexion, rotation
EASIEST_FIRST = list(LEVELS)  # beginner, intermediate, advanced


def whole_library(client: FlaskClient, url: str = "/drills/") -> list[list[Card]]:
    """Every page of the library, following the plain "More drills" links as a no-JS visitor."""
    pages: list[list[Card]] = []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(cards(html))
        more = re.search(r'<a class="button button-quiet" href="([^"]+)"[^>]*>More drills', html)
        url = more.group(1).replace("&amp;", "&") if more else ""
        assert len(pages) < 50, "the pages never end"
    return pages


def directions_in_order_of_first_showing(page: list[Card]) -> list[str]:
    """The directions a page shows, in the order they first appear."""
    return list(dict.fromkeys(card.direction for card in page))


def assert_easiest_first_within_each_direction(seen: list[Card]) -> None:
    for direction in ORDER:
        levels = [EASIEST_FIRST.index(c.level) for c in seen if c.direction == direction]
        assert levels == sorted(levels), f"{direction} is not easiest first: {levels}"


def test_the_first_page_of_the_demo_library_shows_every_direction_in_order(
    seeded_client: FlaskClient,
) -> None:
    first = cards(seeded_client.get("/drills/").get_data(as_text=True))
    assert len(first) == 12
    assert directions_in_order_of_first_showing(first) == ORDER
    # Grouped on the page: the easiest three of each direction, extension to rotation.
    assert [card.direction for card in first] == [d for d in ORDER for _ in range(3)]
    assert all(card.level != "advanced" for card in first)
    pages = whole_library(seeded_client)
    assert_easiest_first_within_each_direction([card for page in pages for card in page])


def test_every_direction_stays_on_page_one_when_one_direction_has_many_drills(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    # Forty easy extension drills, all easier than (or as easy as) anything else in the library.
    for number in range(40):
        add_drill(seeded_app, f"easy-extension-{number:02d}", direction="extension", position=0)
    pages = whole_library(seeded_client)
    assert directions_in_order_of_first_showing(pages[0]) == ORDER
    seen = [card for page in pages for card in page]
    # Paging is one fixed order: every drill exactly once, as the plain-Python oracle orders it.
    assert [card.slug for card in seen] == expected_slugs(seeded_app)
    assert len(seen) == len(set(card.slug for card in seen)) == 56
    assert_easiest_first_within_each_direction(seen)
    # Once the others run out, the rest of the big direction follows, easiest first.
    assert {card.direction for card in pages[-1]} == {"extension"}


def test_a_direction_with_a_single_drill_still_opens_the_library(
    app: Flask, client: FlaskClient
) -> None:
    # No demo content: twenty flexion drills and one hard rotation drill, added last.
    for number in range(20):
        add_drill(app, f"curl-{number:02d}", direction="flexion", position=number)
    add_drill(app, "lonely-twist", direction="rotation", level="advanced", position=99)
    first = cards(client.get("/drills/").get_data(as_text=True))
    assert first[0].direction == "flexion"
    assert "lonely-twist" in [card.slug for card in first]
    assert_easiest_first_within_each_direction(
        [card for page in whole_library(client) for card in page]
    )


def test_a_filtered_library_keeps_the_same_order(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    url = "/drills/?direction=side_flexion&direction=extension&equipment=none"
    shown = cards(seeded_client.get(url, headers=HTMX).get_data(as_text=True))
    want = expected_slugs(seeded_app, directions=["extension", "side_flexion"], equipment=["none"])
    assert [card.slug for card in shown] == want[:12]
    assert directions_in_order_of_first_showing(shown) == ["extension", "side_flexion"]


def test_every_page_of_a_mixed_library_follows_the_one_order(
    app: Flask, client: FlaskClient
) -> None:
    """Levels against positions, uneven directions, ties: each page is the oracle's slice."""
    rng = random.Random(13)
    weights = {"extension": 6, "flexion": 1, "side_flexion": 3, "rotation": 2}
    for number in range(70):
        add_drill(
            app,
            f"mixed-{number:02d}",
            direction=rng.choices(ORDER, weights=[weights[d] for d in ORDER])[0],
            level=rng.choice(EASIEST_FIRST),
            position=rng.randint(1, 5),
        )
    for url, oracle in (
        ("/drills/", {}),
        ("/drills/?level=advanced&level=beginner", {"levels": ["beginner", "advanced"]}),
    ):
        seen = [card.slug for page in whole_library(client, url) for card in page]
        assert seen == expected_slugs(app, **oracle)


def test_a_search_matching_more_than_the_count_limit_pages_in_the_same_order(
    app: Flask, client: FlaskClient
) -> None:
    """Past COUNT_LIMIT matches the count says "More than 100" and the pages carry no "of N";
    every page is still the oracle's slice, the last one has no "More drills"."""
    add_many_drills(app, COUNT_LIMIT + 30, summary="Breathe out and hinge slowly.")
    add_drill(app, "not-this-one", summary="Nothing in common.")
    for url, oracle in (
        ("/drills/?q=hinge", {}),
        (
            "/drills/?q=breathe+hin&level=beginner&level=advanced",
            {"levels": ["beginner", "advanced"]},
        ),
    ):
        want = expected_slugs(app, words=url.split("q=")[1].split("&")[0].split("+"), **oracle)
        pages = whole_library(client, url)
        assert [card.slug for page in pages for card in page] == want
        first = client.get(url).get_data(as_text=True)
        if len(want) > COUNT_LIMIT:
            assert f"More than {COUNT_LIMIT} drills match." in first
            second = client.get(f"{url}&page=2").get_data(as_text=True)
            assert re.search(r"<span>Page 2</span>", second)
        else:
            assert f"{len(want)} drills match." in first
    assert len(expected_slugs(app, words=["hinge"])) == COUNT_LIMIT + 30
    # A page past the end of a search past COUNT_LIMIT still falls back to the first page.
    past = client.get("/drills/?q=hinge&page=40", headers=HTMX).get_data(as_text=True)
    assert "There is no page 40 for these filters" in past
    assert [card.slug for card in cards(past)] == expected_slugs(app, words=["hinge"])[:12]


def test_a_search_at_the_count_limit_still_counts_exactly(app: Flask, client: FlaskClient) -> None:
    add_many_drills(app, COUNT_LIMIT, summary="Reach long through the ribs.")
    html = client.get("/drills/?q=ribs").get_data(as_text=True)
    assert f"{COUNT_LIMIT} drills match." in html
    last = client.get("/drills/?q=ribs&page=9").get_data(as_text=True)
    assert "Page 9 of 9" in last
    assert "More drills" not in last


def test_a_search_whose_matches_crowd_one_direction_and_level_is_counted_exactly(
    app: Flask, client: FlaskClient
) -> None:
    """Forty matches in one direction and level, one elsewhere: the count is exact, the pages
    are the oracle's."""
    for number in range(40):
        add_drill(app, f"twist-{number:02d}", summary="Twist gently.", position=number)
    add_drill(app, "one-hinge", direction="extension", summary="Twist, then hinge.")
    html = client.get("/drills/?q=twist").get_data(as_text=True)
    assert "41 drills match." in html
    assert [card.slug for card in cards(html)] == expected_slugs(app, words=["twist"])[:12]
    last = client.get("/drills/?q=twist&page=4").get_data(as_text=True)
    assert "Page 4 of 4" in last
    assert [card.slug for card in cards(last)] == expected_slugs(app, words=["twist"])[36:]


def add_uneven_library(app: Flask) -> None:
    """Forty drills in every direction and level, positions shuffled against ids, the word
    "hinge" in every drill of some, every second of others, every ninth, or none; "twist" in
    every seventh (72 in all: counted exactly); every third drill needs a plate."""
    rng = random.Random(29)
    every = [1, 2, 9, 0, 1, 1, 2, 0, 9, 1, 2, 1]  # one per (direction, level): 0 means never
    rows, kit = [], []
    for group, (direction, level) in enumerate((d, lv) for d in ORDER for lv in EASIEST_FIRST):
        positions = rng.sample(range(1, 41), 40)
        for number in range(40):
            hinges = every[group] and number % every[group] == 0
            rows.append(
                {
                    "slug": f"uneven-{group:02d}-{number:02d}",
                    "name": f"Uneven {group:02d} {number:02d}",
                    "direction": direction,
                    "level": level,
                    "position": positions[number] // 3,  # ties too
                    "summary": f"Breathe out and {'hinge' if hinges else 'reach'}"
                    + (", then twist." if number % 7 == 3 else "."),
                    "steps": "Stand tall.",
                }
            )
    with app.app_context():
        ids = db.session.scalars(insert(Drill).returning(Drill.id), rows).all()
        for number, drill_id in enumerate(ids):
            kit.append({"drill_id": drill_id, "name": "plate" if number % 3 == 0 else "none"})
        db.session.execute(insert(DrillEquipment), kit)
        db.session.commit()
        db.session.remove()


def test_searches_page_in_the_one_order_however_densely_each_direction_and_level_matches(
    app: Flask, client: FlaskClient
) -> None:
    """Groups where every drill, every second, every ninth or no drill matches: the oracle's
    pages and count whatever the spread."""
    add_uneven_library(app)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for query, oracle in (
        ("q=hinge", {"words": ["hinge"]}),
        ("q=breathe+hin&equipment=plate", {"words": ["breathe", "hin"], "equipment": ["plate"]}),
        ("q=hinge&direction=flexion", {"words": ["hinge"], "directions": ["flexion"]}),
        (
            "q=hinge&direction=side_flexion&level=advanced&level=beginner",
            {
                "words": ["hinge"],
                "directions": ["side_flexion"],
                "levels": ["beginner", "advanced"],
            },
        ),
        ("q=hinge&level=intermediate", {"words": ["hinge"], "levels": ["intermediate"]}),
        ("q=twist", {"words": ["twist"]}),
        ("q=out+twi&equipment=plate", {"words": ["out", "twi"], "equipment": ["plate"]}),
    ):
        want = expected_slugs(app, **oracle)
        assert want, query
        pages = whole_library(client, f"/drills/?{query}")
        assert [card.slug for page in pages for card in page] == want, query
        first = client.get(f"/drills/?{query}").get_data(as_text=True)
        if len(want) > COUNT_LIMIT:
            assert f"More than {COUNT_LIMIT} drills match." in first, query
        else:
            assert f"{len(want)} drills match." in first, query
    # One path however densely a group matches, on every database: the page with how many
    # match (the words read once), then its equipment (htmx partials: not in the page cache yet).
    for query in ("q=hinge&direction=extension&level=beginner&page=2", "q=hinge", "q=twist"):
        statements.clear()
        client.get(f"/drills/?{query}", headers=HTMX)
        library = [
            s
            for s in statements
            if s.lstrip().upper().startswith("SELECT") and "content_version" not in s
        ]
        assert len(library) == 2, query
        assert len([s for s in library if "drill_search" in s or "@@" in s]) == 1, query
