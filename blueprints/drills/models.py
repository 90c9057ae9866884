"""Drills: the library, organised by the direction the spine moves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    true,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

DIRECTIONS = {
    "extension": "Extension",
    "flexion": "Flexion",
    "side_flexion": "Side flexion",
    "rotation": "Rotation",
}
LEVELS = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced"}
EQUIPMENT = {
    "none": "No equipment",
    "dumbbell": "Dumbbell",
    "plate": "Plate",
    "kettlebell": "Kettlebell",
    "band": "Band",
    "bench": "Bench",
    "box": "Box",
}


class Drill(db.Model):
    """One drill: how to do it, what to feel, how to load it, and where it sits in its direction."""

    __tablename__ = "drill"
    __table_args__ = (
        CheckConstraint(
            "direction IN ('extension', 'flexion', 'side_flexion', 'rotation')",
            name="ck_drill_direction",
        ),
        CheckConstraint("level IN ('beginner', 'intermediate', 'advanced')", name="ck_drill_level"),
        Index("ix_drill_direction_position", "direction", "position", "id"),
        # The library's order (filters.library_order) ranks from this index alone, never the
        # drills' rows: direction, then level, position and id.
        Index("ix_drill_direction_level_position", "direction", "level", "position", "id"),
        # Level filters (alone or with a direction) count and page from this index alone.
        Index("ix_drill_level_direction_position", "level", "direction", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    direction: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Newline-separated lists, edited as plain text in the studio.
    steps: Mapped[str] = mapped_column(Text, default="")
    cues: Mapped[str] = mapped_column(Text, default="")
    mistakes: Mapped[str] = mapped_column(Text, default="")
    progression: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    video_file: Mapped[str] = mapped_column(String(300), default="")
    poster_file: Mapped[str] = mapped_column(String(300), default="")
    # The frame `flask process-videos` took from the uploaded video (the coach's poster wins).
    video_poster_file: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # False when the coach dropped the sound: the page plays it muted and looping.
    video_has_audio: Mapped[bool] = mapped_column(default=True, server_default=true())
    captions_file: Mapped[str] = mapped_column(String(300), default="")
    # The BCP 47 tag of the captions' language (the <track>'s srclang and label).
    captions_lang: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    duration_seconds: Mapped[int | None]
    # The built-in demonstration: keyframes as TOML (see blueprints/drills/motion.py).
    motion: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Whether there is one, without loading the text (list cards show its first frame).
    has_motion: Mapped[bool] = column_property(func.length(motion) > 0, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    equipment: Mapped[list[DrillEquipment]] = relationship(
        back_populates="drill", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def equipment_names(self) -> list[str]:
        """Equipment keys, sorted, for display and forms."""
        return sorted(item.name for item in self.equipment)

    @property
    def equipment_labels(self) -> list[str]:
        """Equipment as visitors read it, "No equipment" first, in the library's order."""
        return equipment_labels(item.name for item in self.equipment)

    @property
    def needed_names(self) -> list[str]:
        """What the drill needs from the start, sorted ("none" for nothing)."""
        return sorted(item.name for item in self.equipment if item.needed)

    @property
    def progression_names(self) -> list[str]:
        """Kit the drill may progress to later, not needed to start, sorted."""
        return sorted(item.name for item in self.equipment if not item.needed)

    @property
    def needs_labels(self) -> list[str]:
        """What the drill needs, as visitors read it."""
        return equipment_labels(self.needed_names)

    @property
    def progression_labels(self) -> list[str]:
        """What it may progress to, as visitors read it."""
        return equipment_labels(self.progression_names)


def equipment_labels(names: Iterable[str]) -> list[str]:
    """Equipment keys as visitors read them, "No equipment" first, in the library's order."""
    names = set(names)
    known = [label for key, label in EQUIPMENT.items() if key in names]
    return known + sorted(names - EQUIPMENT.keys())


class DrillEquipment(db.Model):
    """One piece of equipment a drill needs ("none" for bodyweight drills), or may progress to
    (`needed` false: a heavier load, kit for later)."""

    __tablename__ = "drill_equipment"
    __table_args__ = (
        UniqueConstraint("drill_id", "name", name="uq_drill_equipment"),
        Index("ix_drill_equipment_name", "name", "drill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    needed: Mapped[bool] = mapped_column(default=True, server_default=true())

    drill: Mapped[Drill] = relationship(back_populates="equipment")


def direction_rank(direction: ColumnElement[str] = Drill.direction) -> ColumnElement[int]:
    """A drill's direction as its place in DIRECTIONS (extension first, rotation last)."""
    return case({key: rank for rank, key in enumerate(DIRECTIONS)}, value=direction)


def level_rank(level: ColumnElement[str] = Drill.level) -> ColumnElement[int]:
    """A drill's level as its place in LEVELS (beginner first, advanced last)."""
    return case({key: rank for rank, key in enumerate(LEVELS)}, value=level)
