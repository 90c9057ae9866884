"""What a screen reader hears: the search count from a live region that stays in the header
(each htmx swap fills it out of band), and each Play button naming its drill."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

STATUS = re.compile(r'<p id="search-status"([^>]*)>(.*?)</p>', re.S)
ARTICLE_WITH_DRILLS = "/blog/lying-still-wont-settle-your-back"


def test_the_count_is_spoken_from_a_region_outside_the_swapped_results(
    seeded_client: FlaskClient,
) -> None:
    full = seeded_client.get("/search?q=rotation").text
    [(attributes, text)] = STATUS.findall(full)
    assert 'aria-live="polite"' in attributes and text == ""  # in the header, waiting
    assert full.index('id="search-status"') < full.index('<main id="main"')

    fragment = seeded_client.get("/search?q=rotation", headers={"HX-Request": "true"}).text
    [(attributes, text)] = STATUS.findall(fragment)
    assert 'hx-swap-oob="innerHTML"' in attributes
    assert re.fullmatch(
        r"\d+\+? articles? and \d+\+? drills? mention &ldquo;rotation&rdquo;\.", text
    )
    too_long = seeded_client.get("/search?q=" + "a" * 101, headers={"HX-Request": "true"}).text
    assert "100 characters or fewer" in STATUS.findall(too_long)[0][1]


def test_several_play_buttons_on_one_page_each_name_their_drill(
    seeded_client: FlaskClient,
) -> None:
    page = seeded_client.get(ARTICLE_WITH_DRILLS).text
    buttons = re.findall(r"<button[^>]*data-demo-play[^>]*>(.*?)</button>", page, re.S)
    assert len(buttons) >= 2
    names = [re.sub(r"<[^>]+>", "", button) for button in buttons]
    assert all(name.startswith("Play the demonstration of ") for name in names), names
    assert len(set(names)) == len(names)  # each a different drill
