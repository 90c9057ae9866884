"""A drill is found by its direction and level, and by the common words for them ("twist" for
rotation, "bend" for flexion and side flexion), on the search page and in the library's search
field; the same code path runs on SQLite (FTS5) and PostgreSQL (the TEST_POSTGRES run)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from harness.drills import add_drill

DRILL_RESULT = re.compile(
    r'<li class="card search-drill" data-direction="([a-z_]+)">.*?'
    r'<a href="/drills/([a-z0-9-]+)">'
)


def filed(app: Flask, direction: str | None = None, level: str | None = None) -> set[str]:
    """The slugs of the drills filed under `direction` (and `level`)."""
    query = select(Drill.slug)
    if direction:
        query = query.where(Drill.direction == direction)
    if level:
        query = query.where(Drill.level == level)
    with app.app_context():
        return set(db.session.scalars(query))


def found(client: FlaskClient, query: str) -> tuple[set[str], int]:
    """The drills /search lists for `query`, and the count its Drills heading shows."""
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    count = re.search(r'<h2 id="found-drills">Drills <span class="count">(\d+)', html)
    assert count
    return {slug for _, slug in DRILL_RESULT.findall(html)}, int(count.group(1))


@pytest.mark.parametrize("query", ["rotation", "Rotation", "twist", "twisting", "rotate", "rot"])
def test_every_rotation_drill_is_found_by_its_direction_or_a_word_for_it(
    seeded_app: Flask, seeded_client: FlaskClient, query: str
) -> None:
    rotation = filed(seeded_app, "rotation")
    assert len(rotation) == 4  # the demo content's four
    slugs, count = found(seeded_client, query)
    assert rotation <= slugs and count == len(slugs)


def test_bend_finds_flexion_and_side_flexion_and_side_flexion_finds_its_own(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    bends = filed(seeded_app, "flexion") | filed(seeded_app, "side_flexion")
    slugs, _ = found(seeded_client, "bend")
    assert bends <= slugs
    slugs, _ = found(seeded_client, "side flexion")
    assert filed(seeded_app, "side_flexion") <= slugs
    assert not filed(seeded_app, "rotation") & slugs


def test_a_level_and_a_direction_narrow_each_other(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    want = filed(seeded_app, "rotation", "beginner")
    assert want
    slugs, count = found(seeded_client, "beginner rotation")
    assert slugs == want and count == len(want)
    # a word that names nothing still has to be in the text: nothing is invented
    assert found(seeded_client, "rotation quokka") == (set(), 0)


def test_a_new_drill_is_found_by_its_direction_though_its_text_never_says_it(
    app: Flask, client: FlaskClient
) -> None:
    add_drill(app, "quiet-one", direction="rotation", level="advanced", position=1)
    assert found(client, "twist") == ({"quiet-one"}, 1)
    assert found(client, "advanced") == ({"quiet-one"}, 1)
    assert found(client, "extension") == (set(), 0)


def test_the_library_search_field_finds_by_direction_too(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    library = seeded_client.get("/drills/?q=twist").get_data(as_text=True)
    listed = set(
        re.findall(r'<a href="/drills/([a-z0-9-]+)"', library.split('id="drill-results"')[1])
    )
    assert filed(seeded_app, "rotation") <= listed
