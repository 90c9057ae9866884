"""The slot choice every booking form shares, and the visitor's reschedule and cancel forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Optional, ValidationError

from blueprints.booking.slots import is_valid_zone, parse_slot_value
from blueprints.shared.validators import single_line


class SlotChoiceMixin:
    """A chosen slot (its UTC start as a form value) and the zone the visitor sees times in."""

    slot = StringField("Choose a time", validators=[Optional(), single_line])
    timezone = HiddenField(validators=[Optional(), single_line])

    def validate_timezone(self, field: Any) -> None:
        """Only real IANA zone names."""
        if field.data and not is_valid_zone(field.data):
            raise ValidationError("That time zone is not one we know. Please pick from the list.")

    def validate_slot(self, field: Any) -> None:
        """A value from the list of times, not anything else."""
        if field.data and parse_slot_value(field.data) is None:
            raise ValidationError("Please choose a time from the list.")

    def require_slot(self) -> bool:
        """Add an error unless a slot was chosen; True if one was."""
        if self.slot.data and not self.slot.errors:
            return True
        if not self.slot.errors:
            self.slot.errors = ["Please choose a time for the consultation."]
        return False


class RescheduleForm(SlotChoiceMixin, FlaskForm):
    """A new time for an existing booking."""

    def validate(self, extra_validators: Any = None) -> bool:
        """A slot is required."""
        valid = super().validate(extra_validators)
        return self.require_slot() and valid


class CancelForm(FlaskForm):
    """Just the CSRF token: cancelling needs a real POST from our page."""
