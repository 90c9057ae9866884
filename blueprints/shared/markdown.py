"""Markdown to safe HTML, once per save; drill embed markers expanded at view time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

EMBED_MARKER = re.compile(r"\[\[drill:([a-z0-9][a-z0-9-]{0,119})\]\]")
# A marker that is a paragraph of its own becomes a drill card; anywhere else it is left as text.
EMBED_PARAGRAPH = re.compile(r"<p>\s*\[\[drill:([a-z0-9][a-z0-9-]{0,119})\]\]\s*</p>")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"align"}, "td": {"align"},
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class RenderedMarkdown:
    """Sanitised HTML plus what the author referred to."""

    html: str
    drill_slugs: list[str]
    word_count: int


def render_markdown(source: str) -> RenderedMarkdown:
    """Render Markdown, give headings anchors, and strip everything not on the allow-list.

    No script, iframe, form, style, event handler, hx-* attribute or javascript: URL survives:
    nh3 keeps only the tags, attributes and URL schemes listed above.
    """
    # Imported here: only saving an article or a program renders Markdown, never a page view,
    # so web workers do not carry them.
    import markdown as markdown_lib
    import nh3

    raw_html = markdown_lib.markdown(
        source,
        extensions=["toc", "fenced_code", "tables", "sane_lists"],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-4"}},
        output_format="html",
    )
    # Markdown headings start at h2: the page title is the only h1.
    raw_html = re.sub(r"<(/?)h1([ >])", r"<\1h2\2", raw_html)
    clean_html = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_defuse_markers_in_attributes,
    )
    slugs = list(dict.fromkeys(EMBED_PARAGRAPH.findall(clean_html)))
    return RenderedMarkdown(clean_html, slugs, len(source.split()))


def _defuse_markers_in_attributes(_tag: str, _attribute: str, value: str) -> str:
    """Drill markers belong in paragraphs only. expand_drill_embeds() works on the stored HTML
    text, and nh3 before 0.3 leaves "<" unescaped in attribute values, so a marker paragraph
    written inside an alt or title would be expanded there and break out of the attribute."""
    return EMBED_MARKER.sub(r"[drill: \1]", value)


def render_plain_text(text: str) -> Markup:
    """A reader's comment: escaped text with paragraphs, no markup of theirs at all."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(p.splitlines())) for p in paragraphs
    )
