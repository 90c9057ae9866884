"""`flask seed`: every blueprint's demo content, in dependency order, safe to run twice."""

from __future__ import annotations

from sqlalchemy import exists, select

from blueprints.shared.extensions import db


def site_has_content() -> bool:
    """True once the coach (or an earlier seed) has added drills or articles."""
    from blueprints.blog.models import Post
    from blueprints.drills.models import Drill

    return bool(db.session.scalar(select(exists().where(Drill.id.isnot(None))))) or bool(
        db.session.scalar(select(exists().where(Post.id.isnot(None))))
    )


def seed_demo_content() -> dict[str, int]:
    """Add whatever demo content is missing; returns how many of each kind were added."""
    from blueprints.blog.seed import seed_articles
    from blueprints.contact.seed import seed_availability
    from blueprints.drills.seed import seed_drills
    from blueprints.programs.seed import seed_programs

    added = {
        "drills": seed_drills(),  # first: articles and programs embed drills
        "articles": seed_articles(),
        "programs": seed_programs(),
        "availability windows": seed_availability(),
    }
    db.session.commit()
    return {what: count for what, count in added.items() if count}
