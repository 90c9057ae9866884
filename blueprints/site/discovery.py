"""How search engines and feed readers find the site: /feed.xml (Atom) and /sitemap.xml.

Both are built with ElementTree, so every title and body is escaped by the XML writer. It is
imported where it is used: a web worker that serves no feed does not load it (and pyexpat).
Links come from `absolute_url()` (blueprints/shared/urls.py), which prefers SITE_URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import Response, current_app
from markupsafe import escape
from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.blog.queries import public_posts, public_tags
from blueprints.drills.models import Drill
from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from blueprints.shared.http_cache import public_page
from blueprints.shared.markdown import EMBED_PARAGRAPH
from blueprints.shared.urls import absolute_url
from blueprints.site import bp

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
FEED_ENTRIES = 20
# Characters XML 1.0 forbids; a stray one pasted into an article must not break the feed.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAIN_PAGES = ("site.home", "blog.index", "drills.index", "programs.index", "contact.index")


def rfc3339(value: datetime) -> str:
    """A stored naive-UTC datetime as Atom wants it."""
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _text(parent: Element, tag: str, value: str, **attrs: str) -> Element:
    from xml.etree.ElementTree import SubElement

    element = SubElement(parent, tag, attrs)
    element.text = XML_INVALID.sub("", value)
    return element


def _xml_response(root: Element, mimetype: str) -> Response:
    from xml.etree.ElementTree import tostring

    body = tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype=mimetype)


@bp.get("/feed.xml")
@public_page
def feed_xml() -> Response:
    """The newest public articles as an Atom feed."""
    posts = db.session.scalars(public_posts().limit(FEED_ENTRIES)).all()
    return _xml_response(atom_feed(posts), "application/atom+xml")


def atom_feed(posts: Sequence[Post]) -> Element:
    """An Atom <feed> for `posts` (newest first)."""
    from xml.etree import ElementTree as ET

    site_name = current_app.config["SITE_NAME"]
    home = absolute_url("site.home")
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "en", XML_BASE: home})
    _text(feed, "id", absolute_url("blog.index"))
    _text(feed, "title", f"{site_name}: articles")
    _text(feed, "subtitle", "Articles on training a sore back in every direction it moves.")
    newest = max((post.last_modified for post in posts), default=None)
    _text(feed, "updated", rfc3339(newest or datetime(2000, 1, 1)))
    ET.SubElement(feed, "link", {"rel": "self", "href": absolute_url("site.feed_xml")})
    ET.SubElement(feed, "link", {"rel": "alternate", "href": absolute_url("blog.index")})
    author = ET.SubElement(feed, "author")
    _text(author, "name", current_app.config["COACH_NAME"])
    drills = _drills_by_slug(posts)
    for post in posts:
        feed.append(_atom_entry(post, drills))
    return feed


def _atom_entry(post: Post, drills: dict[str, Drill]) -> Element:
    from xml.etree import ElementTree as ET

    url = absolute_url("blog.article", slug=post.slug)
    entry = ET.Element("entry")
    _text(entry, "id", url)
    _text(entry, "title", post.title)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url})
    _text(entry, "published", rfc3339(post.published_at or post.created_at))
    _text(entry, "updated", rfc3339(post.last_modified))
    _text(entry, "summary", post.summary)
    for tag in post.tags:
        term = tag.name
        ET.SubElement(entry, "category", {"term": term, "label": term.replace("-", " ")})
    _text(entry, "content", _feed_body(post.body_html, drills), type="html")
    return entry


def _drills_by_slug(posts: Iterable[Post]) -> dict[str, Drill]:
    slugs = {slug for post in posts for slug in EMBED_PARAGRAPH.findall(post.body_html)}
    if not slugs:
        return {}
    return {d.slug: d for d in db.session.scalars(select(Drill).where(Drill.slug.in_(slugs)))}


def _feed_body(html: str, drills: dict[str, Drill]) -> str:
    """The stored article HTML with each drill card replaced by a plain link (readers run no JS)."""

    def link(match: re.Match[str]) -> str:
        drill = drills.get(match.group(1))
        if drill is None:
            return ""
        href = absolute_url("drills.detail", slug=drill.slug)
        return f'<p><a href="{escape(href)}">Drill: {escape(drill.name)}</a></p>'

    return EMBED_PARAGRAPH.sub(link, html)


@bp.get("/sitemap.xml")
@public_page
def sitemap_xml() -> Response:
    """Every public page a search engine should know about."""
    from xml.etree import ElementTree as ET

    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for loc, lastmod in sitemap_entries():
        url = ET.SubElement(urlset, "url")
        _text(url, "loc", loc)
        if lastmod is not None:
            _text(url, "lastmod", rfc3339(lastmod))
    return _xml_response(urlset, "application/xml")


def sitemap_entries() -> list[tuple[str, datetime | None]]:
    """(address, last change) for the main pages, articles, tags, drills and programs."""
    # Three columns, not whole articles: the bodies are most of the table.
    posts = [
        (slug, max(published, updated))
        for slug, published, updated in db.session.execute(
            public_posts().with_only_columns(Post.slug, Post.published_at, Post.updated_at)
        )
    ]
    newest_post = max((changed for _, changed in posts), default=None)
    entries: list[tuple[str, datetime | None]] = [
        (absolute_url(endpoint), newest_post if endpoint == "blog.index" else None)
        for endpoint in MAIN_PAGES
    ]
    entries.append((absolute_url("site.privacy"), None))
    entries += [(absolute_url("blog.article", slug=slug), changed) for slug, changed in posts]
    entries += [(absolute_url("blog.tag", name=tag.name), None) for tag in public_tags()]
    entries += [
        (absolute_url("drills.detail", slug=slug), updated)
        for slug, updated in db.session.execute(
            select(Drill.slug, Drill.updated_at).order_by(Drill.direction, Drill.position)
        )
    ]
    entries += [
        (absolute_url("programs.detail", slug=slug), updated)
        for slug, updated in db.session.execute(
            select(Program.slug, Program.updated_at).order_by(Program.id)
        )
    ]
    return entries
