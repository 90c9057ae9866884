"""/search: the header box's answer, articles and drills grouped; htmx gets the main region."""

from __future__ import annotations

from flask import Response, request

from blueprints.blog.search import MAX_RESULTS as MAX_ARTICLES
from blueprints.blog.search import matching_posts
from blueprints.drills.models import DIRECTIONS, LEVELS
from blueprints.drills.search import DrillHits, matching_drills
from blueprints.search import bp
from blueprints.shared.fulltext import MAX_QUERY_LENGTH, query_error
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.http_cache import public_page


@bp.get("/search")
@public_page
def index() -> Response:
    """Articles and drills holding every word of ?q=; a 400 beside the field when it is too long."""
    raw = request.args.get("q", "")
    error = query_error(raw)
    query = "" if error else " ".join(raw.split())
    hits = matching_posts(query) if query else []
    drills = matching_drills(query) if query else DrillHits(drills=[], total=0)
    return render_page_or_partial(
        "search/index.html",
        "search/_results.html",
        400 if error else 200,
        search_query=raw[:MAX_QUERY_LENGTH] if error else query,
        search_error=error,
        query=query,
        hits=hits,
        max_articles=MAX_ARTICLES,
        drills=drills,
        directions=DIRECTIONS,
        levels=LEVELS,
        fragment=is_htmx_request(),
    )
