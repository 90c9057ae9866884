"""The content editors: article and program (the drill's is drill_form.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from blueprints.drills.models import DIRECTIONS, LEVELS
from blueprints.shared.clock import coach_local_to_utc, utcnow
from blueprints.studio.forms import MultiCheckboxField, choices
from blueprints.studio.slugs import SLUG_PATTERN
from blueprints.studio.uploads import (
    UploadRejected,
    image_as_jpeg,
)

if TYPE_CHECKING:
    pass

SLUG_MESSAGE = "Use lowercase letters, digits and single hyphens, like back-to-basics."
MAX_TAGS = 12
PUBLICATION_CHOICES = {
    "draft": "Draft: only you can see it",
    "published": "Published: visible now",
    "scheduled": "Scheduled: appears by itself at the time below",
}


def uploaded(field: FileField) -> FileStorage | None:
    """The file chosen in `field`, or None when the coach chose none."""
    data = field.data
    return data if isinstance(data, FileStorage) and data.filename else None


def reencoded_image(field: FileField, convert: Callable[[FileStorage], bytes]) -> bytes | None:
    """The file chosen in `field` run through `convert` (a re-encoder from uploads.py), or
    None when none was chosen; a refusal becomes the field's error."""
    upload = uploaded(field)
    if upload is None:
        return None
    try:
        return convert(upload)
    except UploadRejected as error:
        raise ValidationError(str(error)) from error


def require_alt(image: FileField, image_kept: bool, alt: Any, message: str) -> None:
    """An image (a new upload, or the stored one kept) needs words for people who cannot see it."""
    if (uploaded(image) or image_kept) and not (alt.data or "").strip():
        raise ValidationError(message)


def parse_tags(text: str) -> list[str]:
    """'Rest, pain,  rest' -> ['Rest', 'pain'] (trimmed, duplicates ignoring case dropped)."""
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = " ".join(raw.split())
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def _slug_field(label: str, max_length: int) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=max_length), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)],
    )


class ArticleForm(FlaskForm):
    """An article: words, tags, cover and when it appears."""

    title = StringField(
        "Title", validators=[DataRequired("Give the article a title."), Length(max=200)]
    )
    slug = _slug_field("Web address", 160)
    summary = TextAreaField("Summary for lists and search results", validators=[Length(max=300)])
    body_md = TextAreaField("Article", validators=[Length(max=200_000)])
    tags = StringField("Tags, separated by commas", validators=[Length(max=800)])
    cover = FileField("Cover image (JPEG, PNG, WebP or GIF)")
    cover_alt = StringField("Describe the cover image", validators=[Length(max=300)])
    remove_cover = BooleanField("Remove the cover image")
    publication = RadioField("Publication", choices=choices(PUBLICATION_CHOICES), default="draft")
    publish_at = DateTimeLocalField(
        "Publish at (your time)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    email_subscribers = BooleanField("Email it to newsletter readers")

    def __init__(self, *args: Any, has_cover: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_cover = has_cover
        self.cover_jpeg: bytes | None = None

    def validate_tags(self, field: StringField) -> None:
        """A handful of short tags."""
        tags = parse_tags(field.data)
        if len(tags) > MAX_TAGS:
            raise ValidationError(f"Use at most {MAX_TAGS} tags.")
        if any(len(tag) > 60 for tag in tags):
            raise ValidationError("Keep each tag under 60 characters.")

    def validate_cover(self, field: FileField) -> None:
        """A real image, re-encoded now so the view only has to store it."""
        self.cover_jpeg = reencoded_image(field, image_as_jpeg)

    def validate_cover_alt(self, field: StringField) -> None:
        """A cover image needs words for people who cannot see it."""
        keeps_cover = self.has_cover and not self.remove_cover.data
        require_alt(
            self.cover, keeps_cover, field, "Describe the image for readers who cannot see it."
        )

    def validate(self, extra_validators: Any = None) -> bool:
        """Field rules, then: a scheduled article needs a time in the future."""
        valid = super().validate(extra_validators)
        if self.publication.data != "scheduled" or self.publish_at.errors:
            return valid
        if self.publish_at.data is None:
            self.publish_at.errors.append("Choose when the article should appear.")
        elif coach_local_to_utc(self.publish_at.data) <= utcnow():
            self.publish_at.errors.append("Choose a time in the future, or publish it now.")
        else:
            return valid
        return False


class ProgramForm(FlaskForm):
    """A program: what it is, when it starts, how many can join."""

    title = StringField(
        "Title", validators=[DataRequired("Give the program a title."), Length(max=200)]
    )
    slug = _slug_field("Web address", 160)
    summary = TextAreaField("Summary", validators=[Length(max=400)])
    body_md = TextAreaField("Description", validators=[Length(max=100_000)])
    level = SelectField("Level", choices=choices(LEVELS))
    duration_weeks = IntegerField(
        "Length (weeks)",
        default=6,
        validators=[InputRequired("Enter the length."), NumberRange(1, 52, "Use 1 to 52 weeks.")],
    )
    sessions_per_week = IntegerField(
        "Sessions per week",
        default=2,
        validators=[InputRequired("Enter a number."), NumberRange(1, 14, "Use 1 to 14.")],
    )
    directions = MultiCheckboxField("Directions trained", choices=choices(DIRECTIONS))
    price_text = StringField("Price, as visitors should read it", validators=[Length(max=120)])
    payment_url = URLField(
        "Payment link (optional)",
        validators=[Optional(), Length(max=500), URL(message="Enter a full https:// address.")],
    )
    start_date = DateField("Start date (leave empty for a rolling start)", validators=[Optional()])
    capacity = IntegerField(
        "Places (leave empty for no limit)",
        validators=[Optional(), NumberRange(1, 10_000, "Use at least 1 place.")],
    )
    is_open = BooleanField("Open for signups")

    def validate_payment_url(self, field: URLField) -> None:
        """Payment links only over https."""
        if field.data and not field.data.lower().startswith("https://"):
            raise ValidationError("Use an https:// address.")
