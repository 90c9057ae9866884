"""What the tests under tests/studio/ share besides their fixtures."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from PIL import Image
from sqlalchemy import select

from blueprints.blog.models import Comment, Post
from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.drills.models import Drill
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness import make_app
from harness.seeded import seed_demo


def add_enquiry(
    email: str = "sam@example.com",
    name: str = "Sam Carter",
    status: str = "new",
    message: str = "My lower back aches after long drives.",
    booked_at: datetime | None = None,
) -> Enquiry:
    """An enquiry (and a confirmed booking if `booked_at` is given), not yet committed."""
    enquiry = Enquiry(name=name, email=email, topic="consultation", message=message, status=status)
    db.session.add(enquiry)
    if booked_at is not None:
        enquiry.booking = Booking(
            uid=f"booking-{email}-{booked_at:%Y%m%d%H%M}@test",
            starts_at=booked_at,
            ends_at=booked_at + timedelta(minutes=45),
            reason="Stiff in the mornings",
        )
    return enquiry


def add_program(title: str = "Strong Spine Basics", capacity: int | None = 2) -> Program:
    """A program, not yet committed."""
    program = Program(
        slug=title.lower().replace(" ", "-"), title=title, capacity=capacity, is_open=True
    )
    db.session.add(program)
    return program


def add_signup(
    program: Program, email: str, status: str = "confirmed", position: int | None = None
) -> Signup:
    """A signup on `program`, not yet committed."""
    signup = Signup(
        program=program,
        name=email.split("@")[0].title(),
        email=email,
        status=status,
        waitlist_position=position,
        consent_health_data=True,
    )
    db.session.add(signup)
    return signup


def add_post(title: str = "Moving through stiffness", status: str = "published") -> Post:
    """An article published a day ago, not yet committed."""
    post = Post(
        slug=title.lower().replace(" ", "-"),
        title=title,
        body_md="Some words.",
        body_html="<p>Some words.</p>",
        status=status,
        published_at=utcnow() - timedelta(days=1) if status == "published" else None,
    )
    db.session.add(post)
    return post


def add_comment(post: Post, email: str | None, body: str = "This helped my back.") -> Comment:
    """A pending comment on `post`, not yet committed."""
    comment = Comment(post=post, name="Reader", email=email, body=body, status="pending")
    db.session.add(comment)
    return comment


def studio_app(database_file: Path, uploads: Path, seeded: bool = True, **overrides: Any) -> Flask:
    """A test app whose uploads go to `uploads` (never the real instance folder)."""
    app = make_app(database_file, UPLOAD_FOLDER=str(uploads), **overrides)
    if seeded:
        seed_demo(app)
    return app


def publish_videos(app: Flask) -> int:
    """Run `flask process-videos` once, as its service would: the number of videos published."""
    from blueprints.video.jobs import process_videos

    with app.app_context():
        published = process_videos()
        db.session.remove()
    return published


def png_bytes(width: int, height: int, color: str = "teal") -> bytes:
    """A real PNG image of the given size."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def upload(data: bytes, filename: str) -> tuple[io.BytesIO, str]:
    """A file field value for the test client."""
    return io.BytesIO(data), filename


def drill_form(**overrides: object) -> dict[str, object]:
    """A valid drill form."""
    return {
        "name": "Seated Jefferson curl",
        "slug": "",
        "direction": "flexion",
        "level": "intermediate",
        "equipment": ["dumbbell", "bench"],
        "position": "3",
        "summary": "Load the spine into flexion slowly, one vertebra at a time.",
        "steps": "Sit tall on the bench\n\n  Hold the dumbbell by your feet  \nRoll down slowly",
        "cues": "Chin first\nExhale down",
        "mistakes": "Rushing",
        "progression": "Stand on a box",
        "video_url": "https://youtu.be/dQw4w9WgXcQ",
        "duration_seconds": "40",
        **overrides,
    }


def the_drill(app: Flask, slug: str = "seated-jefferson-curl") -> Drill | None:
    """The stored drill (detached)."""
    with app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == slug))
        if drill is not None:
            _ = drill.equipment
            db.session.expunge(drill)
        return drill


def text_cells_containing(app: Flask, needle: str) -> list[tuple[str, str]]:
    """(table, value) for every text value in every table that contains `needle` (any case)."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).mappings():
                for value in row.values():
                    if isinstance(value, str) and needle.lower() in value.lower():
                        found.append((table.name, value))
    return found
