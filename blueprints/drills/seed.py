"""Demo drills for `flask seed`."""

from __future__ import annotations

from sqlalchemy import select

from blueprints.drills.demo import DRILLS
from blueprints.drills.models import Drill, DrillEquipment
from blueprints.drills.motion_files import motion_text_for
from blueprints.shared.extensions import db


def seed_drills() -> int:
    """Add the demo drills that are not there yet (matched by slug); give a demo drill that has
    no demonstration yet (a database from before demonstrations) the one from its file."""
    existing = {drill.slug: drill for drill in db.session.scalars(select(Drill))}
    added = 0
    for item in DRILLS:
        if (drill := existing.get(item["slug"])) is not None:
            if not drill.motion:
                drill.motion = motion_text_for(item["slug"])
            continue
        drill = Drill(
            slug=item["slug"],
            name=item["name"],
            direction=item["direction"],
            level=item["level"],
            position=item["position"],
            summary=item["summary"],
            steps="\n".join(item["steps"]),
            cues="\n".join(item["cues"]),
            mistakes="\n".join(item["mistakes"]),
            progression="\n".join(item["progression"]),
            video_url=item.get("video_url", ""),
            duration_seconds=item.get("duration_seconds"),
            motion=motion_text_for(item["slug"]),
            equipment=[DrillEquipment(name=name) for name in item["equipment"]],
        )
        db.session.add(drill)
        added += 1
    db.session.flush()
    return added
