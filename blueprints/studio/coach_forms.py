"""The studio's forms for the coach herself: her profile, a testimonial, a consultation type."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
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
    ValidationError,
)

from blueprints.coach.models import CURRENCIES, WORKS
from blueprints.shared.clock import utc_to_coach_local, utcnow
from blueprints.shared.validators import single_line
from blueprints.studio.editor_forms import reencoded_image, require_alt
from blueprints.studio.forms import choices
from blueprints.studio.uploads import portrait_as_jpeg

MAX_CREDENTIAL = 160


class ProfileForm(FlaskForm):
    """Who she is, where she works, and her portrait."""

    name = StringField(
        "Your name as visitors see it",
        validators=[DataRequired("Enter your name."), Length(max=120), single_line],
    )
    bio = TextAreaField("A short bio", validators=[Length(max=1500)])
    credentials = TextAreaField(
        "Credentials, one per line (the first shows beside your photo)",
        validators=[Length(max=1000)],
    )
    works = RadioField(
        "Where you coach",
        choices=choices(WORKS),
        validators=[InputRequired("Choose where you coach.")],
        invalid_choice_message="Choose one of the options.",
    )
    place = StringField("Your place (area and city)", validators=[Length(max=200), single_line])
    currency = SelectField(
        "Prices are in",
        choices=choices({code: f"{code} ({symbol})" for code, symbol in CURRENCIES.items()}),
        invalid_choice_message="Choose one of the currencies.",
    )
    portrait = FileField("Your photo (JPEG, PNG, WebP or GIF)")
    portrait_alt = StringField("Describe the photo", validators=[Length(max=300), single_line])
    remove_portrait = BooleanField("Remove the photo")

    def __init__(self, *args: Any, has_portrait: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_portrait = has_portrait
        self.portrait_jpeg: bytes | None = None

    def validate_credentials(self, field: TextAreaField) -> None:
        """Short lines: each is shown on its own."""
        if any(len(line.strip()) > MAX_CREDENTIAL for line in (field.data or "").splitlines()):
            raise ValidationError(f"Keep each credential under {MAX_CREDENTIAL} characters.")

    def validate_place(self, field: StringField) -> None:
        """Seeing clients somewhere needs the somewhere."""
        if self.works.data in ("place", "both") and not (field.data or "").strip():
            raise ValidationError("Say where you see clients, such as Hackney, London.")

    def validate_portrait(self, field: FileField) -> None:
        """A real image, cut square and re-encoded now so the view only has to store it."""
        self.portrait_jpeg = reencoded_image(field, portrait_as_jpeg)

    def validate_portrait_alt(self, field: StringField) -> None:
        """A photo needs words for people who cannot see it."""
        keeps = self.has_portrait and not self.remove_portrait.data
        require_alt(
            self.portrait, keeps, field, "Describe the photo for visitors who cannot see it."
        )


class TestimonialForm(FlaskForm):
    """A client's words, who said them, when, and whether they agreed to publication."""

    quote = TextAreaField(
        "What the client said",
        validators=[DataRequired("Write the client's words."), Length(max=600)],
    )
    attribution = StringField(
        "First name or initials",
        validators=[DataRequired("Give a first name or initials."), Length(max=60), single_line],
    )
    given_on = DateField("Date", validators=[InputRequired("Enter the date it was given.")])
    consented = BooleanField("The client agreed to have this published on the site")
    position = IntegerField(
        "Order (lower shows first)",
        default=0,
        validators=[Optional(), NumberRange(min=0, max=999, message="Use 0 to 999.")],
    )

    def validate_attribution(self, field: StringField) -> None:
        """A first name or initials, not a full name: one or two short words."""
        if len((field.data or "").split()) > 2:
            raise ValidationError("Use a first name or initials only, such as Priya S.")

    def validate_given_on(self, field: DateField) -> None:
        """Not a date still to come."""
        if field.data and field.data > utc_to_coach_local(utcnow()).date():
            raise ValidationError("That date is in the future.")


class ConsultationTypeForm(FlaskForm):
    """A kind of consultation: name, what it is, its length and price."""

    name = StringField(
        "Name", validators=[DataRequired("Name the consultation."), Length(max=80), single_line]
    )
    description = StringField("One line about it", validators=[Length(max=300), single_line])
    minutes = IntegerField(
        "Length in minutes",
        validators=[
            InputRequired("Enter its length in minutes."),
            NumberRange(min=10, max=240, message="Use 10 to 240 minutes."),
        ],
    )
    price = DecimalField(
        "Price (0 for free)",
        places=2,
        validators=[
            InputRequired("Enter a price, or 0 for free."),
            NumberRange(min=Decimal(0), max=Decimal(10000), message="Use 0 to 10,000."),
        ],
    )
    is_active = BooleanField("Offer it on the booking form")
    position = IntegerField(
        "Order (lower shows first)",
        default=0,
        validators=[Optional(), NumberRange(min=0, max=999, message="Use 0 to 999.")],
    )

    def __init__(self, *args: Any, slot_minutes: int = 45, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slot_minutes = slot_minutes

    def validate_minutes(self, field: IntegerField) -> None:
        """It must fit in one of the booking slots (set on the Availability page)."""
        if field.data is not None and field.data > self.slot_minutes:
            raise ValidationError(
                f"Your booking slots are {self.slot_minutes} minutes (see Availability); "
                "a consultation must fit in one."
            )

    def validate_price(self, field: DecimalField) -> None:
        """Whole pennies."""
        if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError("Use at most two decimal places.")
