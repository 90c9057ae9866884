"""The drill editor's form: where the drill sits, how to do it, what it needs, its video and
its demonstration (the positions the demonstration editor writes out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
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
from blueprints.studio.editor_forms import SLUG_MESSAGE, reencoded_image, uploaded
from blueprints.studio.forms import MultiCheckboxField, choices
from blueprints.studio.slugs import SLUG_PATTERN
from blueprints.studio.uploads import (
    UploadRejected,
    captions_max_bytes,
    check_video,
    poster_as_jpeg,
    read_small,
)
from blueprints.studio.video_links import UnsupportedVideoLink, embed_url
from blueprints.studio.webvtt import CaptionsRejected, check_webvtt
from blueprints.video.jobs import remove_original

if TYPE_CHECKING:
    from blueprints.video.probe import VideoFacts

KIT = {key: label for key, label in EQUIPMENT.items() if key != "none"}


class DrillForm(FlaskForm):
    """A drill: where it sits, how to do it, and its video."""

    name = StringField("Name", validators=[DataRequired("Give the drill a name."), Length(max=160)])
    slug = StringField(
        "Web address",
        validators=[Optional(), Length(max=120), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)],
    )
    direction = SelectField("Direction", choices=choices(DIRECTIONS))
    level = SelectField("Level", choices=choices(LEVELS))
    equipment = MultiCheckboxField("Needs", choices=choices(EQUIPMENT))
    progresses_with = MultiCheckboxField(
        "Can progress to (not needed to start)", choices=choices(KIT)
    )
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
        "The positions written out",
        validators=[
            Length(max=MOTION_MAX_CHARS, message="Keep the positions under 20,000 characters.")
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

    def validate_progresses_with(self, field: MultiCheckboxField) -> None:
        """Kit for later, none of it already needed to start."""
        both = set(field.data or []) & set(self.equipment.data or [])
        if both:
            names = ", ".join(EQUIPMENT[name].lower() for name in sorted(both))
            raise ValidationError(f"Already needed to start: {names}. Tick it in one list only.")

    def validate_motion(self, field: TextAreaField) -> None:
        """Empty (no demonstration) or positions that can be drawn; the message names the line."""
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
