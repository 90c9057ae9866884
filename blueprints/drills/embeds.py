"""Drill cards inside articles and programs: the `[[drill:slug]]` paragraphs, expanded."""

from __future__ import annotations

import re

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from blueprints.shared.markdown import EMBED_PARAGRAPH


def expand_drill_embeds(html: str, *, preview: bool = False) -> Markup:
    """Replace drill markers in stored, sanitised HTML with drill cards (one query).

    An unknown slug renders nothing to visitors and a visible warning in the coach's preview.
    """
    slugs = set(EMBED_PARAGRAPH.findall(html))
    if not slugs:
        return Markup(html)  # noqa: S704 - sanitised by render_markdown at save
    drills = {
        drill.slug: drill
        for drill in db.session.scalars(select(Drill).where(Drill.slug.in_(slugs)))
    }

    def card(match: re.Match[str]) -> str:
        drill = drills.get(match.group(1))
        if drill is not None:
            return render_template("drills/_embed_card.html", drill=drill)
        if preview:
            return render_template("studio/_unknown_embed.html", slug=match.group(1))
        return ""

    return Markup(EMBED_PARAGRAPH.sub(card, html))  # noqa: S704 - sanitised HTML, escaped cards
