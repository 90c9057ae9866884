"""The article editor's "Insert a drill": find a drill by name and put its card in the article.

With a script the list sits in the editor and each drill's button inserts the embed line at the
cursor (site.js); without one the same search opens this page in a new tab, showing the line to
copy. Either way the coach never has to know or type a drill's address.
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from blueprints.shared.htmx import render_page_or_partial
from blueprints.studio import bp

SHOWN = 12


def embed_line(slug: str) -> str:
    """What an article holds, on a line of its own, to show a drill's card."""
    return f"[[drill:{slug}]]"


def drills_named(words: str, limit: int = SHOWN) -> tuple[list[Drill], int]:
    """Drills whose name holds `words` (any case), by name; and how many match in all."""
    query = select(Drill)
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Drill.name.ilike(f"%{escaped}%", escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    drills = db.session.scalars(query.order_by(Drill.name, Drill.id).limit(limit)).all()
    return list(drills), total


@bp.get("/articles/drills-to-insert")
def articles_drill_picker() -> ResponseReturnValue:
    """The drills matching the words typed, each with its line (and, in the editor, a button)."""
    words = request.args.get("drill_name", "").strip()[:100]
    drills, total = drills_named(words)
    return render_page_or_partial(
        "studio/drill_picker.html",
        "studio/_drill_choices.html",
        drills=drills,
        total=total,
        words=words,
        embed_line=embed_line,
        in_editor=request.headers.get("HX-Request") == "true",
    )
