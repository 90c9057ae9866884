"""Home page and site-wide files."""

from __future__ import annotations

from flask import Response, current_app, render_template
from sqlalchemy import func, select

from blueprints.blog.queries import latest_published_posts
from blueprints.coach.public import coach_on_page, structured_data
from blueprints.drills.models import DIRECTIONS, Drill, level_rank
from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from blueprints.shared.http_cache import public_page
from blueprints.shared.urls import absolute_url
from blueprints.site import bp


@bp.get("/")
@public_page
def home() -> str:
    """The coach, the four directions, the latest articles and the programs."""
    counts = dict(
        db.session.execute(select(Drill.direction, func.count()).group_by(Drill.direction)).all()
    )
    programs = db.session.scalars(
        select(Program).where(Program.is_open.is_(True)).order_by(Program.id)
    ).all()
    coach = coach_on_page(testimonials=3)
    return render_template(
        "site/home.html",
        coach=coach,
        structured_data=structured_data(coach),
        featured_drill=featured_drill(),
        directions=DIRECTIONS,
        direction_counts=counts,
        posts=latest_published_posts(3),
        programs=programs,
    )


def featured_drill() -> Drill | None:
    """The drill the home page demonstrates: the easiest one that has a demonstration."""
    return db.session.scalar(
        select(Drill)
        .where(Drill.motion != "")
        .order_by(level_rank(), Drill.position, Drill.id)
        .limit(1)
    )


@bp.get("/privacy")
@public_page
def privacy() -> str:
    """What is stored, why, for how long, and how to have it deleted."""
    return render_template("site/privacy.html", coach_email=current_app.config["COACH_EMAIL"])


@bp.get("/robots.txt")
def robots_txt() -> Response:
    """Keep crawlers out of the studio; point them at the sitemap."""
    body = "User-agent: *\nDisallow: /studio/\n"
    if "site.sitemap_xml" in current_app.view_functions:
        body += f"Sitemap: {absolute_url('site.sitemap_xml')}\n"
    return Response(body, mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says."""
    return current_app.send_static_file("img/favicon.svg")
