"""Feed, sitemap, robots.txt and the article's head, read by real parsers."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import feedparser
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.drills.models import Drill
from blueprints.programs.models import Program
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness.blog import add_post
from harness.instants import clock_marks

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://localhost"


class HeadReader(HTMLParser):
    """<meta>, <link> and JSON-LD from a page, the way a crawler reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or ""
            self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "link" and "rel" in values:
            self.links[values["rel"]] = values.get("href", "")
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data


def read_head(client: FlaskClient, path: str) -> HeadReader:
    response = client.get(path)
    assert response.status_code == 200
    reader = HeadReader()
    reader.feed(response.get_data(as_text=True))
    return reader


# The Atom feed


def test_feed_parses_and_lists_public_articles_newest_first(seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/feed.xml")
    feed = feedparser.parse(response.data)

    assert response.mimetype == "application/atom+xml"
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Strong Spine Studio: articles"
    assert feed.feed.link == f"{BASE}/blog/"
    assert [entry.link for entry in feed.entries] == [
        f"{BASE}/blog/lying-still-wont-settle-your-back",
        f"{BASE}/blog/four-directions-of-spinal-training",
        f"{BASE}/blog/jefferson-curl-loading-flexion-gradually",
        f"{BASE}/blog/side-bends-and-twists-for-everyday-life",
        f"{BASE}/blog/training-soreness-or-red-flag",
    ]
    first = feed.entries[0]
    assert first.title == "Why lying still won't settle your back on its own"
    assert feed.feed.author == "Maya Lindqvist"
    assert {tag.term for tag in first.tags} == {"back-pain", "recovery", "beginners"}
    assert first.published_parsed is not None and first.updated_parsed is not None
    content = first.content[0].value
    assert "The instinct to stop everything" in content
    assert f'<a href="{BASE}/drills/cat-cow">Drill: Cat-cow</a>' in content
    assert "[[drill:" not in content


def test_feed_survives_awkward_titles_and_stray_control_characters(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        add_post(
            "awkward",
            title='Fish & <chips> "quoted" ]]> done',
            summary="Tabs\tand a form feed\x0c and a bell\x07.",
            body="Text with a vertical tab\x0b inside.",
        )
    feed = feedparser.parse(client.get("/feed.xml").data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries[0].title == 'Fish & <chips> "quoted" ]]> done'
    assert feed.entries[0].summary == "Tabs\tand a form feed and a bell."


def test_feed_leaves_out_drafts_and_future_posts_and_is_valid_when_empty(
    app: Flask, client: FlaskClient
) -> None:
    empty = feedparser.parse(client.get("/feed.xml").data)
    assert not empty.bozo and empty.entries == []
    with app.app_context():
        add_post("out-now")
        add_post("not-yet", status="scheduled", days_ago=-1)
        add_post("drafty", status="draft")
    feed = feedparser.parse(client.get("/feed.xml").data)
    assert [entry.link for entry in feed.entries] == [f"{BASE}/blog/out-now"]


# The sitemap and robots.txt


def test_sitemap_lists_main_pages_articles_drills_and_programs(seeded_app: Flask) -> None:
    client = seeded_app.test_client()
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.data)

    assert response.mimetype == "application/xml"
    assert root.tag == f"{SITEMAP}urlset"
    locations = [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]
    assert len(locations) == len(set(locations))
    with seeded_app.app_context():
        articles = db.session.scalars(select(Post.slug).where(Post.status == "published")).all()
        drills = db.session.scalars(select(Drill.slug)).all()
        programs = db.session.scalars(select(Program.slug)).all()
    expected = {f"{BASE}/", f"{BASE}/blog/", f"{BASE}/drills/", f"{BASE}/programs/"}
    expected |= {f"{BASE}/contact/", f"{BASE}/privacy"}
    expected |= {f"{BASE}/blog/{slug}" for slug in articles}
    expected |= {f"{BASE}/drills/{slug}" for slug in drills}
    expected |= {f"{BASE}/programs/{slug}" for slug in programs}
    assert len(articles) == 5 and drills and programs
    assert expected <= set(locations)
    assert f"{BASE}/blog/sleep-positions-for-a-sore-back" not in locations  # the draft
    assert f"{BASE}/blog/tag/back-pain" in locations
    for url in root.iter(f"{SITEMAP}url"):
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        assert lastmod is None or lastmod.endswith("+00:00")
    for path in locations[:6]:
        assert client.get(path.removeprefix(BASE)).status_code == 200


def test_robots_txt_points_at_the_sitemap(client: FlaskClient) -> None:
    body = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE}/sitemap.xml" in body
    assert "Disallow: /studio/" in body


def test_site_url_setting_is_used_for_every_absolute_link(app: Flask) -> None:
    app.config["SITE_URL"] = "https://strongspine.example/"
    with app.app_context():
        add_post("public-address")
    client = app.test_client()
    assert "<loc>https://strongspine.example/blog/public-address</loc>" in client.get(
        "/sitemap.xml"
    ).get_data(as_text=True)
    head = read_head(client, "/blog/public-address")
    assert head.links["canonical"] == "https://strongspine.example/blog/public-address"
    feed = feedparser.parse(client.get("/feed.xml").data)
    assert feed.entries[0].link == "https://strongspine.example/blog/public-address"


# The article's head


def test_article_head_has_canonical_description_social_tags_and_article_data(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        post = add_post(
            "head-check",
            title="Checking the head",
            summary="What crawlers and chat apps read.",
            tags=["recovery", "beginners"],
            cover_image="cover.jpg",
            cover_alt="A kettlebell on a wooden floor",
        )
        post.updated_at = utcnow() + timedelta(days=2)
        db.session.commit()
    head = read_head(client, "/blog/head-check")
    url = f"{BASE}/blog/head-check"

    assert head.links["canonical"] == url
    assert head.links["alternate"] == "/feed.xml"
    assert head.meta["description"] == ["What crawlers and chat apps read."]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["Checking the head"]
    assert head.meta["og:url"] == [url]
    assert head.meta["og:image"] == [f"{url}/cover"]
    assert head.meta["og:image:alt"] == ["A kettlebell on a wooden floor"]
    assert sorted(head.meta["article:tag"]) == ["beginners", "recovery"]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.meta["twitter:title"] == ["Checking the head"]
    [raw] = head.json_ld
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == "Checking the head"
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["author"]["name"] == "Maya Lindqvist"
    assert data["image"] == [f"{url}/cover"]
    assert data["datePublished"] < data["dateModified"]
    assert data["keywords"] == "beginners, recovery"


def test_json_ld_is_escaped_so_a_title_cannot_close_the_script(
    app: Flask, client: FlaskClient
) -> None:
    title = "</script><script>alert('x')</script> & <!-- more"
    with app.app_context():
        add_post("tricky-title", title=title)
    page = client.get("/blog/tricky-title").get_data(as_text=True)
    head = read_head(client, "/blog/tricky-title")

    assert json.loads(head.json_ld[0])["headline"] == title
    assert "<script>alert('x')" not in page
    assert head.meta["twitter:card"] == ["summary"]  # no cover, small card
    assert "og:image" not in head.meta


def test_list_pages_have_their_own_canonical_address(
    client: FlaskClient, seeded_app: Flask
) -> None:
    seeded = seeded_app.test_client()
    assert read_head(seeded, "/blog/").links["canonical"] == f"{BASE}/blog/"
    assert read_head(seeded, "/blog/tag/rotation").links["canonical"] == f"{BASE}/blog/tag/rotation"
