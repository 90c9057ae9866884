"""The drill library: the filtered list, each drill's page, and its uploaded media."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, send_from_directory
from sqlalchemy import select

from blueprints.drills import bp
from blueprints.drills.captions import language_label
from blueprints.drills.demonstration import demonstration_file, demonstration_for
from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.filters import direction_counts, drills_matching
from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS, Drill
from blueprints.drills.queries import progression_neighbours, public_articles_using
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.http_cache import public_page
from blueprints.shared.static_files import versioned_file

LABELS = {"directions": DIRECTIONS, "levels": LEVELS, "equipment_labels": EQUIPMENT}


@bp.get("/")
@public_page
def index() -> Response:
    """The library filtered by the query string; htmx gets only the results."""
    filters = DrillFilters.from_args(request.args)
    results = None if filters.errors else drills_matching(filters)
    return render_page_or_partial(
        "drills/index.html",
        "drills/_results.html",
        400 if filters.errors else 200,
        filters=filters,
        results=results,
        direction_counts=direction_counts,  # called by the full page only
        fragment=is_htmx_request(),
        **LABELS,
    )


@bp.get("/<slug>")
@public_page
def detail(slug: str) -> str:
    """One drill: how to do it, how to load it, what comes before and after, who wrote about it."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return render_template(
        "drills/detail.html",
        drill=drill,
        neighbours=progression_neighbours(drill),
        articles=public_articles_using(drill),
        **LABELS,
    )


@bp.app_template_global()
def drill_demonstration(drill: Drill):  # noqa: ANN201 - Demonstration | None, for templates
    """The drill's built-in demonstration for a template, None when it has none."""
    return demonstration_for(drill.motion or "", drill.direction, drill.name)


@bp.app_template_global()
def demonstration_version(drill: Drill) -> str:
    """The ?v= of a drill's demonstration files: its last edit, to the second."""
    return drill.updated_at.strftime("%Y%m%d%H%M%S")


@bp.get("/<slug>/demonstration.svg")
def demonstration_still(slug: str) -> Response:
    """The drill's demonstration as an SVG file: ?at=start (the default), end or moving;
    ?theme=dark draws it in the dark theme's colours."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    at = request.args.get("at", "start")
    dark = request.args.get("theme") == "dark"
    svg = demonstration_file(drill.motion or "", drill.direction, drill.name, at, dark)
    if svg is None:
        abort(404)
    # the page's address carries ?v=<last edit>: that one is kept a year, immutable
    return versioned_file(Response(svg, mimetype="image/svg+xml"), demonstration_version(drill))


def _uploaded(filename: str) -> Response:
    if not filename:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], filename, max_age=86400)


@bp.get("/<slug>/poster")
def poster(slug: str) -> Response:
    """The drill's uploaded poster image."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return _uploaded(drill.poster_file)


@bp.get("/<slug>/video-poster")
def video_poster(slug: str) -> Response:
    """The frame `flask process-videos` took from the drill's uploaded video."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return _uploaded(drill.video_poster_file)


@bp.get("/<slug>/video")
def video(slug: str) -> Response:
    """The drill's uploaded video (served with range support)."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    return _uploaded(drill.video_file)


@bp.get("/<slug>/captions")
def captions(slug: str) -> Response:
    """The drill's uploaded WebVTT captions, as text/vtt (a <track> needs that type)."""
    drill = db.first_or_404(select(Drill).where(Drill.slug == slug))
    response = _uploaded(drill.captions_file)
    response.mimetype = "text/vtt"  # with charset=utf-8: the upload was checked to be UTF-8
    return response


@bp.app_template_global()
def captions_label(tag: str) -> str:
    """The name of the captions' language, as the player's captions menu shows it."""
    return language_label(tag)
