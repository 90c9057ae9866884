"""The coach on the public pages: her profile and consultations, testimonials only with the
client's consent, JSON-LD that parses, and her portrait's versioned, year-long address."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from blueprints.coach.models import CoachProfile, ConsultationType
from blueprints.coach.models import Testimonial as ClientQuote  # not collected by pytest
from blueprints.shared.extensions import db
from harness.coach import coach_client

SECRET_QUOTE = "Unpublished words a client never agreed to share"
IMMUTABLE = "public, max-age=31536000, immutable"


def add_testimonial(app: Flask, consented: bool, quote: str = SECRET_QUOTE) -> int:
    with app.app_context():
        row = ClientQuote(
            quote=quote, attribution="J. D.", given_on=date(2026, 11, 2), consented=consented
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def every_public_page(client: FlaskClient) -> dict[str, str]:
    """The home page, the contact page (with its booking part), and every page the sitemap lists."""
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").data)
    paths = {"/", "/contact/", "/contact/?topic=consultation", "/feed.xml", "/search?q=back"}
    for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        paths.add(re.sub(r"^https?://[^/]+", "", loc.text or ""))
    pages = {}
    for path in sorted(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = unescape(response.get_data(as_text=True))
    return pages


def json_ld(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_a_testimonial_without_consent_appears_nowhere_public(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    add_testimonial(seeded_app, consented=False)
    # the home page shows up to three: put it first, where it would show if anything let it
    with seeded_app.app_context():
        db.session.execute(update(ClientQuote).values(position=ClientQuote.position + 1))
        db.session.execute(
            update(ClientQuote).where(ClientQuote.quote == SECRET_QUOTE).values(position=0)
        )
        db.session.commit()
    pages = every_public_page(seeded_client)
    assert len(pages) > 20
    assert [path for path, html in pages.items() if SECRET_QUOTE in html] == []
    assert "Two years of flare-ups" in pages["/"]  # consented ones do show


def test_ticking_consent_in_the_studio_publishes_it_and_unticking_withdraws_it(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    testimonial_id = add_testimonial(seeded_app, consented=False)
    coach = coach_client(seeded_app)
    form = {
        "quote": SECRET_QUOTE,
        "attribution": "J. D.",
        "given_on": "2026-11-02",
        "position": "0",
    }
    edit = f"/studio/testimonials/{testimonial_id}/edit"
    assert coach.post(edit, data={**form, "consented": "y"}).status_code == 302
    assert SECRET_QUOTE in unescape(seeded_client.get("/").get_data(as_text=True))
    assert coach.post(edit, data=form).status_code == 302  # the box unticked
    for path in ("/", "/contact/"):
        assert SECRET_QUOTE not in unescape(seeded_client.get(path).get_data(as_text=True))
    listing = unescape(coach.get("/studio/testimonials").get_data(as_text=True))
    assert SECRET_QUOTE[:40] in listing and "Held back: no consent" in listing


def test_home_and_contact_show_the_coach_and_each_consultation(seeded_client: FlaskClient) -> None:
    home = unescape(seeded_client.get("/").get_data(as_text=True))
    contact = unescape(seeded_client.get("/contact/").get_data(as_text=True))
    for html in (home, contact):
        assert re.search(
            r'<img class="(hero|coach)-portrait" src="/coach/portrait\.jpg\?v=\d+" '
            r'alt="An illustrated portrait',
            html,
        )
        assert "Maya Lindqvist" in html
        assert "Level 4 strength and conditioning coach (UKSCA accredited)" in html
        assert "Hackney, London and online" in html
    for name, facts in (
        ("Intro call", "20 minutes · Free"),
        ("First assessment", "45 minutes · £60"),
    ):
        assert re.search(
            rf"<strong>{name}</strong> <span class=\"consultation-facts\">{facts}</span>", contact
        )
    assert contact.count('class="testimonial"') == 1 and home.count('class="testimonial"') == 3


def test_a_type_no_longer_offered_leaves_the_page_and_the_form(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    with seeded_app.app_context():
        db.session.execute(
            update(ConsultationType)
            .where(ConsultationType.name == "Intro call")
            .values(is_active=False)
        )
        db.session.commit()
    html = unescape(seeded_client.get("/contact/?topic=consultation").get_data(as_text=True))
    assert "Intro call" not in html and "First assessment: 45 minutes, £60" in html


def test_the_about_section_has_json_ld_from_the_profile(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    data = json_ld(seeded_client.get("/").get_data(as_text=True))
    assert data["@context"] == "https://schema.org"
    person, business = data["@graph"]
    assert person["@type"] == "Person" and person["name"] == "Maya Lindqvist"
    assert person["image"].startswith("http://localhost/coach/portrait.jpg?v=")
    assert len(person["hasCredential"]) == 3
    assert business["@type"] == "LocalBusiness" and business["address"] == "Hackney, London"
    assert business["founder"] == {"@id": person["@id"]}
    assert [(o["name"], o["price"], o["priceCurrency"]) for o in business["makesOffer"]] == [
        ("Intro call", "0.00", "GBP"),
        ("First assessment", "60.00", "GBP"),
    ]
    # Online only: a Person and no LocalBusiness; the coach's words cannot end the script.
    with seeded_app.app_context():
        db.session.execute(
            update(CoachProfile).values(works="online", bio="Coach </script><b>& more")
        )
        db.session.commit()
    html = seeded_client.get("/").get_data(as_text=True)
    assert "</script><b>" not in html
    data = json_ld(html)
    assert [node["@type"] for node in data["@graph"]] == ["Person"]
    assert data["@graph"][0]["description"] == "Coach </script><b>& more"


def test_the_portrait_and_demonstrations_are_kept_a_year_at_their_versioned_address(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    home = seeded_client.get("/").get_data(as_text=True)
    portrait = re.search(r'src="(/coach/portrait\.jpg\?v=\d+)"', home).group(1)
    demo = unescape(re.search(r'src="(/drills/[\w-]+/demonstration\.svg\?v=\d+)"', home).group(1))
    coach = coach_client(seeded_app)  # a signed-in coach gets the same, shareable answer
    for client in (seeded_client, coach):
        for url in (portrait, demo, demo + "&at=end"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == IMMUTABLE, url
            assert "Set-Cookie" not in response.headers
    response = seeded_client.get(portrait)
    assert response.mimetype == "image/jpeg" and response.data[:3] == b"\xff\xd8\xff"
    again = seeded_client.get(portrait, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    for stale in (portrait.split("?")[0] + "?v=1", portrait.split("?")[0], demo.split("?")[0]):
        cache_control = seeded_client.get(stale).headers["Cache-Control"]
        assert "immutable" not in cache_control and "no-cache" in cache_control, stale


def test_without_a_portrait_there_is_no_image_and_the_address_is_404(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    with seeded_app.app_context():
        db.session.execute(update(CoachProfile).values(portrait_file=""))
        db.session.commit()
    assert "/coach/portrait.jpg" not in seeded_client.get("/").get_data(as_text=True)
    assert seeded_client.get("/coach/portrait.jpg").status_code == 404


def test_an_empty_site_still_shows_a_home_page_and_contact_page(client: FlaskClient) -> None:
    for path in ("/", "/contact/", "/contact/?topic=consultation"):
        response = client.get(path)
        assert response.status_code == 200, path
    html = client.get("/").get_data(as_text=True)
    assert json_ld(html)["@graph"][0]["name"] == "Maya Lindqvist"


@pytest.mark.parametrize("path", ["/", "/contact/", "/blog/"])
def test_the_inlined_favicon_has_no_literal_spaces(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert href.startswith("data:image/svg+xml,") and " " not in href and "%20" in href


def test_the_two_search_forms_on_the_articles_page_are_told_apart(
    seeded_client: FlaskClient,
) -> None:
    html = seeded_client.get("/blog/").get_data(as_text=True)
    labels = re.findall(r'<form[^>]*role="search"[^>]*aria-label="([^"]+)"', html)
    assert sorted(labels) == ["Articles", "Site"]
    assert html.count('role="search"') == 2
