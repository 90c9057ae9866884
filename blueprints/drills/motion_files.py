"""Where the demo drills' demonstrations live: content/drills/<slug>.motion.toml."""

from __future__ import annotations

from pathlib import Path

CONTENT_DRILLS = Path(__file__).resolve().parents[2] / "content" / "drills"


def motion_file(slug: str) -> Path:
    """The keyframe file of a drill, whether or not it exists."""
    return CONTENT_DRILLS / f"{slug}.motion.toml"


def motion_text_for(slug: str) -> str:
    """The drill's keyframes as written beside its content file, or "" when it has none."""
    path = motion_file(slug)
    if "/" in slug or not path.is_file():
        return ""
    return path.read_text(encoding="utf-8")


TEMPLATES = Path(__file__).resolve().parent / "motion_templates"


def template_text(direction: str) -> str:
    """The figure a new drill of this direction starts from ("" for an unknown direction)."""
    path = TEMPLATES / f"{direction}.motion.toml"
    if "/" in direction or not path.is_file():
        return ""
    return path.read_text(encoding="utf-8")


def plain_text(text: str) -> str:
    """The text as lines without trailing spaces, however the browser ended them."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


def is_template(text: str) -> bool:
    """Whether the text is one of the starting figures, untouched."""
    plain = plain_text(text)
    return any(
        plain == plain_text(path.read_text(encoding="utf-8")) for path in TEMPLATES.glob("*.toml")
    )
