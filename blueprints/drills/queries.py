"""What a drill page needs besides the drill: its neighbours and the articles that use it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, tuple_

from blueprints.blog.models import Post, PostDrill
from blueprints.blog.queries import is_public
from blueprints.drills.models import Drill
from blueprints.shared.extensions import db


@dataclass(frozen=True)
class Neighbours:
    """The drills just before and after one drill in its direction's progression."""

    easier: Drill | None
    harder: Drill | None


def progression_neighbours(drill: Drill) -> Neighbours:
    """The easier and harder drill by `position` within the same direction (ties by id)."""
    here = tuple_(Drill.position, Drill.id)
    spot = tuple_(drill.position, drill.id)
    same_direction = select(Drill).where(Drill.direction == drill.direction)
    easier = db.session.scalar(
        same_direction.where(here < spot).order_by(Drill.position.desc(), Drill.id.desc()).limit(1)
    )
    harder = db.session.scalar(
        same_direction.where(here > spot).order_by(Drill.position, Drill.id).limit(1)
    )
    return Neighbours(easier=easier, harder=harder)


def public_articles_using(drill: Drill) -> Sequence[Post]:
    """Public articles that embed `drill`, newest first."""
    return db.session.scalars(
        select(Post)
        .join(PostDrill, PostDrill.post_id == Post.id)
        .where(PostDrill.drill_id == drill.id, is_public())
        .order_by(Post.published_at.desc(), Post.id.desc())
    ).all()
