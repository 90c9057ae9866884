"""The three content editors: article, drill and program."""

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
    DecimalField,
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

from blueprints.drills.captions import DEFAULT_LANGUAGE, MAX_TAG_CHARS, language_tag
from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS
from blueprints.drills.motion import MAX_CHARS as MOTION_MAX_CHARS
from blueprints.drills.motion import MotionError, parse_motion
from blueprints.shared.clock import coach_local_to_utc, utcnow
from blueprints.studio.forms import MultiCheckboxField, choices
from blueprints.studio.slugs import SLUG_PATTERN
from blueprints.studio.uploads import (
    UploadRejected,
    captions_max_bytes,
    check_video,
    image_as_jpeg,
    poster_as_jpeg,
    read_small,
)
from blueprints.studio.video_links import UnsupportedVideoLink, embed_url
from blueprints.studio.webvtt import CaptionsRejected, check_webvtt
from blueprints.video.jobs import remove_original

if TYPE_CHECKING:
    from blueprints.video.probe import VideoFacts

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


class DrillForm(FlaskForm):
    """A drill: where it sits, how to do it, and its video."""

    name = StringField("Name", validators=[DataRequired("Give the drill a name."), Length(max=160)])
    slug = _slug_field("Web address", 120)
    direction = SelectField("Direction", choices=choices(DIRECTIONS))
    level = SelectField("Level", choices=choices(LEVELS))
    equipment = MultiCheckboxField("Equipment", choices=choices(EQUIPMENT))
    position = IntegerField(
        "Order within its direction (lower comes first)",
        default=0,
        validators=[InputRequired("Enter a number."), NumberRange(0, 9999, "Use 0 to 9999.")],
    )
    summary = TextAreaField(
        "Summary", validators=[DataRequired("Say in a line what it is for."), Length(max=1000)]
    )
    steps = TextAreaField(
        "Steps, one per line", validators=[DataRequired("List the steps."), Length(max=5000)]
    )
    cues = TextAreaField("Cues, one per line", validators=[Length(max=5000)])
    mistakes = TextAreaField("Common mistakes, one per line", validators=[Length(max=5000)])
    progression = TextAreaField("Progressions, one per line", validators=[Length(max=5000)])
    video_url = StringField("YouTube or Vimeo link", validators=[Length(max=500)])
    video_file = FileField("Or upload a video from your phone")
    video_sound = BooleanField("Keep the sound (drill videos usually play silent, looping)")
    poster_seconds = DecimalField(
        "Poster frame at (seconds into the video)",
        places=1,
        validators=[Optional(), NumberRange(0, 3600, "Use a time within the video, in seconds.")],
    )
    remove_video = BooleanField("Remove the uploaded video")
    duration_seconds = IntegerField(
        "Video length in seconds",
        validators=[Optional(), NumberRange(1, 3600, "Use 1 to 3600 seconds.")],
    )
    captions = FileField("Captions for the uploaded video (WebVTT)")
    captions_lang = StringField(
        "Language of the captions", default=DEFAULT_LANGUAGE, validators=[Length(max=MAX_TAG_CHARS)]
    )
    remove_captions = BooleanField("Remove the captions")
    poster = FileField("Poster image (shown before the video plays)")
    remove_poster = BooleanField("Remove the poster image")
    motion = TextAreaField(
        "Demonstration keyframes",
        validators=[
            Length(max=MOTION_MAX_CHARS, message="Keep the keyframes under 20,000 characters.")
        ],
    )

    def __init__(self, *args: Any, has_video: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_video = has_video  # the drill already has an uploaded video
        self.video_embed = ""
        self.poster_jpeg: bytes | None = None
        self.video_facts: VideoFacts | None = None
        self.video_original = ""  # the upload, stored in the work folder once it probed well
        self.captions_text: str | None = None
        self.captions_language = DEFAULT_LANGUAGE

    def validate_equipment(self, field: MultiCheckboxField) -> None:
        """At least one choice; "no equipment" goes alone."""
        chosen = field.data or []
        if not chosen:
            raise ValidationError("Tick what the drill needs, or 'No equipment'.")
        if "none" in chosen and len(chosen) > 1:
            raise ValidationError("'No equipment' cannot go with other equipment.")

    def validate_motion(self, field: TextAreaField) -> None:
        """Empty (no demonstration) or keyframes that can be drawn; the message names the line."""
        if (field.data or "").strip():
            try:
                parse_motion(field.data)
            except MotionError as error:
                raise ValidationError(str(error)) from error

    def validate_video_url(self, field: StringField) -> None:
        """Only YouTube or Vimeo, stored as the privacy-enhanced embed address."""
        if (field.data or "").strip():
            try:
                self.video_embed = embed_url(field.data)
            except UnsupportedVideoLink as error:
                raise ValidationError(str(error)) from error

    def validate_video_file(self, field: FileField) -> None:
        """A phone video PyAV can read, within the size and length limits."""
        upload = uploaded(field)
        if upload is not None:
            try:
                self.video_original, self.video_facts = check_video(upload)
            except UploadRejected as error:
                raise ValidationError(str(error)) from error

    def validate_poster_seconds(self, field: DecimalField) -> None:
        """A poster time goes with a new upload, and falls within it."""
        if field.data is None:
            return
        if uploaded(self.video_file) is None:
            raise ValidationError("Choose the poster time together with the video upload.")
        facts = self.video_facts
        if facts is not None and float(field.data) > facts.seconds:
            raise ValidationError(
                f"The video is {facts.seconds:.1f} s long; choose a time within it."
            )

    def validate_poster(self, field: FileField) -> None:
        """A PNG, JPEG or WebP image by its bytes, re-encoded now."""
        self.poster_jpeg = reencoded_image(field, poster_as_jpeg)

    def validate_captions(self, field: FileField) -> None:
        """A real WebVTT file within the size limit, kept as the text to store."""
        upload = uploaded(field)
        if upload is not None:
            limit = captions_max_bytes()
            try:
                self.captions_text, _ = check_webvtt(
                    read_small(upload, limit), upload.mimetype or "", limit
                )
            except CaptionsRejected as error:
                raise ValidationError(str(error)) from error

    def validate_captions_lang(self, field: StringField) -> None:
        """A BCP 47 language tag such as en, sv or en-GB (empty means English)."""
        tag = language_tag(field.data) if (field.data or "").strip() else DEFAULT_LANGUAGE
        if tag is None:
            raise ValidationError("Use the two letters of a language, such as en for English.")
        self.captions_language = tag

    def keeps_uploaded_video(self) -> bool:
        """Whether the drill will have an uploaded video once this form is saved."""
        if uploaded(self.video_file) is not None:
            return True  # an upload replaces a link
        return self.has_video and not self.video_embed and not self.remove_video.data

    def validate(self, extra_validators: Any = None) -> bool:
        """Field rules, then: captions go with an uploaded video. A refused form keeps no file."""
        valid = super().validate(extra_validators)
        if self.captions_text is not None and not self.keeps_uploaded_video():
            self.captions.errors.append(
                "Captions go with an uploaded video: upload the video with them."
            )
            valid = False
        if not valid and self.video_original:
            remove_original(self.video_original)
            self.video_original = ""
        return valid


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
