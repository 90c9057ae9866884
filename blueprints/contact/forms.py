"""The contact form (which also books consultations: its slot part is booking's)."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from blueprints.booking.forms import SlotChoiceMixin
from blueprints.booking.models import FORMATS
from blueprints.contact.models import PAIN_DURATIONS, RED_FLAGS, TOPICS
from blueprints.shared.spam import PublicForm
from blueprints.shared.validators import EmailAddress, single_line

MESSAGE_MAX = 5000
REASON_MAX = 2000
CONTEXT_PATTERN = re.compile(r"(article|drill|program):[a-z0-9][a-z0-9-]{0,150}")
PICK_ONE = "Please choose one of the options."


def as_choices(pairs: list[tuple[str, str]] | dict[str, str]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


def no_more_than(limit: int, what: str) -> Any:
    """A length check whose message says how long the text is."""

    def check(form: FlaskForm, field: Any) -> None:
        if field.data and len(field.data) > limit:
            raise ValidationError(
                f"Please keep {what} under {limit:,} characters (it has {len(field.data):,})."
            )

    return check


def clean_context(value: str | None) -> str:
    """A page reference like 'article:slug' if well formed, else empty."""
    value = (value or "").strip()
    return value if CONTEXT_PATTERN.fullmatch(value) else ""


def _yes_no(key: str) -> RadioField:
    return RadioField(
        RED_FLAGS[key],
        choices=as_choices({"no": "No", "yes": "Yes"}),
        validators=[Optional()],
        invalid_choice_message="Please answer yes or no.",
    )


class ContactForm(SlotChoiceMixin, PublicForm):
    """Name, email, topic and message; for a consultation also a slot, format and intake."""

    name = StringField(
        "Your name",
        validators=[
            DataRequired("Please tell me your name."),
            single_line,
            Length(max=120, message="Please keep your name under 120 characters."),
        ],
    )
    email = StringField(
        "Your email",
        validators=[
            DataRequired("Please give an email address I can reply to."),
            single_line,
            EmailAddress(
                "That does not look like an email address. Please check it, "
                "for example name@example.com."
            ),
        ],
    )
    topic = SelectField(
        "What is it about?", choices=as_choices(TOPICS), invalid_choice_message=PICK_ONE
    )
    message = TextAreaField("Your message", validators=[no_more_than(MESSAGE_MAX, "your message")])
    context = HiddenField(validators=[Optional(), single_line])
    format = RadioField(
        "How would you like to meet?",
        choices=as_choices(FORMATS),
        validators=[Optional()],
        invalid_choice_message=PICK_ONE,
    )
    consultation = RadioField(
        "Which consultation?",
        choices=[],  # the coach's consultation types, set by the view
        validators=[Optional()],
        invalid_choice_message=PICK_ONE,
    )
    reason = TextAreaField(
        "What brings you to a consultation?",
        validators=[no_more_than(REASON_MAX, "this answer")],
    )
    pain_duration = SelectField(
        "How long has it hurt?",
        choices=as_choices({"": "Choose one", **PAIN_DURATIONS}),
        validators=[Optional()],
        invalid_choice_message=PICK_ONE,
    )
    leg_numbness = _yes_no("leg_numbness")
    bladder_bowel = _yes_no("bladder_bowel")
    weight_loss = _yes_no("weight_loss")
    recent_trauma = _yes_no("recent_trauma")

    def red_flag_fields(self) -> list[Any]:
        """The four red-flag questions, in order."""
        return [getattr(self, key) for key in RED_FLAGS]

    def red_flags_answered_yes(self) -> list[str]:
        """Keys of the red-flag questions answered yes."""
        return [key for key in RED_FLAGS if getattr(self, key).data == "yes"]

    def is_consultation(self) -> bool:
        """True when the visitor wants to book."""
        return self.topic.data == "consultation"

    def validate_context(self, field: Any) -> None:
        """The page the visitor came from, as our own links write it."""
        if field.data and not clean_context(field.data):
            raise ValidationError("The page reference in this form is not valid.")

    def validate(self, extra_validators: Any = None) -> bool:
        """Field rules, then what a consultation needs on top (and a message otherwise)."""
        valid = super().validate(extra_validators)
        if not self.is_consultation():
            if not (self.message.data or "").strip():
                self.message.errors = [*self.message.errors, "Please write a message."]
                valid = False
            return valid
        return self._validate_intake() and valid

    def _validate_intake(self) -> bool:
        valid = True
        if not (self.reason.data or "").strip() and not self.reason.errors:
            self.reason.errors = ["Please say in a few words what brings you."]
            valid = False
        if not self.pain_duration.data and not self.pain_duration.errors:
            self.pain_duration.errors = ["Please choose how long it has hurt."]
            valid = False
        for question in self.red_flag_fields():
            if not question.data and not question.errors:
                question.errors = ["Please answer yes or no."]
                valid = False
        if self.red_flags_answered_yes():
            return valid  # nothing is booked, so no time or format is needed
        if self.consultation.choices and not self.consultation.data:
            if not self.consultation.errors:
                self.consultation.errors = ["Please choose which consultation you would like."]
            valid = False
        if not self.format.data and not self.format.errors:
            self.format.errors = ["Please choose a video call or meeting in person."]
            valid = False
        return self.require_slot() and valid
