"""Studio forms that are not content editors: login, inbox, outbox, availability, erasure."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.booking.models import FORMATS
from blueprints.contact.models import ENQUIRY_STATUSES
from blueprints.shared.models import OUTBOX_STATES
from blueprints.shared.validators import EmailAddress, single_line

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def form_status(form: FlaskForm) -> int:
    """422 for a submitted form the server refused, 200 for a fresh one."""
    return 422 if form.is_submitted() and form.errors else 200


def stripped(value: str | None) -> str | None:
    """A filter: an email pasted with spaces around it is still that email."""
    return value.strip() if isinstance(value, str) else value


def choices(options: dict[Any, str]) -> list[SelectChoice]:
    """Select or checkbox options from a {value: label} mapping, in its order."""
    return [SelectChoice(value=value, label=label) for value, label in options.items()]


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes (one per choice) that submits a list."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    """Email and password."""

    email = StringField(
        "Email",
        filters=[stripped],
        validators=[DataRequired("Enter your email."), Length(max=320), single_line],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()


class EnquiryFilterForm(FlaskForm):
    """Which enquiries to list (a GET form you can bookmark)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=choices(
            {"": "All", **{status: status.capitalize() for status in ENQUIRY_STATUSES}}
        ),
        default="new",
        validators=[Optional()],
    )


# How the studio names an email's state (a waiting one that failed before says "Trying again").
EMAIL_STATE_WORDS = {
    "pending": "Waiting to send",
    "sending": "Being sent",
    "sent": "Sent",
    "failed": "Could not be sent",
}


class OutboxFilterForm(FlaskForm):
    """Which emails to list (a GET form you can bookmark)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=choices({"": "All", **{s: EMAIL_STATE_WORDS[s] for s in OUTBOX_STATES}}),
        default="",
        validators=[Optional()],
    )


class EnquiryStatusForm(FlaskForm):
    """Mark an enquiry new, answered or archived."""

    status = SelectField("Status", choices=choices({status: status for status in ENQUIRY_STATUSES}))


def _https_address(value: str | None) -> None:
    if value and not re.fullmatch(r"https://[^\s/?#]+(/[^\s?#]*)?", value.strip()):
        raise ValidationError("Use a full address starting with https://, with no ? or #.")


class AvailabilitySettingsForm(FlaskForm):
    """The booking rules."""

    slot_minutes = IntegerField(
        "Consultation length (minutes)",
        validators=[InputRequired("Enter a length."), NumberRange(10, 240, "Use 10 to 240.")],
    )
    buffer_minutes = IntegerField(
        "Break between consultations (minutes)",
        validators=[InputRequired("Enter a break, 0 for none."), NumberRange(0, 120, "Use 0-120.")],
    )
    min_notice_hours = IntegerField(
        "Minimum notice (hours)",
        validators=[InputRequired("Enter the notice."), NumberRange(0, 336, "Use 0 to 336.")],
    )
    horizon_days = IntegerField(
        "Bookable up to (days ahead)",
        validators=[InputRequired("Enter how far ahead."), NumberRange(1, 365, "Use 1 to 365.")],
    )
    cancel_cutoff_hours = IntegerField(
        "Visitors may cancel until (hours before)",
        validators=[InputRequired("Enter the cut-off."), NumberRange(0, 336, "Use 0 to 336.")],
    )
    formats = MultiCheckboxField("Formats offered", choices=choices(FORMATS))
    location = StringField("Address for in-person sessions", validators=[Length(max=200)])
    meeting_room_url = StringField(
        "Video calls: your fixed meeting room link",
        validators=[Length(max=500), single_line],
    )
    meeting_base_url = StringField(
        "Or: your video service's address (each booking gets its own room there)",
        validators=[Length(max=500), single_line],
    )

    def validate_meeting_room_url(self, field: StringField) -> None:
        """A web address visitors can open."""
        _https_address(field.data)

    def validate_meeting_base_url(self, field: StringField) -> None:
        """A web address a room name can be added to."""
        _https_address(field.data)

    def validate_formats(self, field: MultiCheckboxField) -> None:
        """At least one way to meet."""
        if not field.data:
            raise ValidationError("Offer at least one format.")

    def validate_location(self, field: StringField) -> None:
        """An in-person session needs somewhere to happen."""
        if "in_person" in (self.formats.data or []) and not (field.data or "").strip():
            raise ValidationError("Give the address visitors should come to.")


class WeeklyHoursForm(FlaskForm):
    """A window of bookable time on one weekday."""

    weekday = SelectField("Day", choices=choices(dict(enumerate(WEEKDAYS))), coerce=int)
    start_time = TimeField("From", validators=[InputRequired("Enter a start time.")])
    end_time = TimeField("Until", validators=[InputRequired("Enter an end time.")])

    def validate_end_time(self, field: TimeField) -> None:
        """The window must end after it starts."""
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("The end must be after the start.")


class DayOffForm(FlaskForm):
    """A date with no bookings."""

    day = DateField("Date", validators=[InputRequired("Choose a date.")])
    note = StringField("Note (only you see it)", validators=[Length(max=200)])


class EraseLookupForm(FlaskForm):
    """Whose data to erase."""

    email = StringField(
        "Their email address",
        filters=[stripped],
        validators=[
            DataRequired("Enter an email address."),
            EmailAddress("Enter a valid email address."),
        ],
    )


class EraseConfirmForm(FlaskForm):
    """The second step: the coach has seen what will go and confirms."""

    email = HiddenField(validators=[DataRequired(), EmailAddress()])
    confirm = BooleanField(
        "I understand that this cannot be undone",
        validators=[DataRequired("Tick the box to confirm.")],
    )
