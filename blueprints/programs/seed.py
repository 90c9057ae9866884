"""Demo programs for `flask seed`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from blueprints.programs.demo import PROGRAMS
from blueprints.programs.models import Program
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.markdown import render_markdown


def seed_programs() -> int:
    """Add the demo programs that are not there yet (matched by slug)."""
    existing = set(db.session.scalars(select(Program.slug)))
    added = 0
    for item in PROGRAMS:
        if item["slug"] in existing:
            continue
        start = item["start_in_days"]
        db.session.add(
            Program(
                slug=item["slug"],
                title=item["title"],
                summary=item["summary"],
                body_md=item["body"],
                body_html=render_markdown(item["body"]).html,
                level=item["level"],
                duration_weeks=item["duration_weeks"],
                sessions_per_week=item["sessions_per_week"],
                directions=item["directions"],
                price_text=item["price_text"],
                payment_url=item["payment_url"],
                start_date=(utcnow() + timedelta(days=start)).date() if start else None,
                capacity=item["capacity"],
                is_open=item["is_open"],
            )
        )
        added += 1
    db.session.flush()
    return added
