"""The coach's forms for a consultation: move it, cancel it (asked first), mark how it went."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional

from blueprints.booking.forms import RescheduleForm

MESSAGE_LIMIT = 2000
MESSAGE_TOO_LONG = f"Keep the message under {MESSAGE_LIMIT} characters."
ATTENDANCE = {"attended": "Attended", "no_show": "Did not come"}


class CoachMoveForm(RescheduleForm):
    """A new time, and an optional message that goes into the client's email."""

    message = TextAreaField(
        "Message to the client (optional)",
        validators=[Optional(), Length(max=MESSAGE_LIMIT, message=MESSAGE_TOO_LONG)],
    )


class CoachCancelForm(FlaskForm):
    """The confirmation step: nothing is sent unless `confirmed` came with the form."""

    message = TextAreaField(
        "Message to the client (optional)",
        validators=[Optional(), Length(max=MESSAGE_LIMIT, message=MESSAGE_TOO_LONG)],
    )
    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        """True when the coach pressed the button on the confirmation page."""
        return self.confirmed.data == "yes"


class AttendanceForm(FlaskForm):
    """How a past session went."""

    attendance = StringField("How did it go?", validators=[AnyOf([*ATTENDANCE, ""])])
