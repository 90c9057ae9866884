"""Valid contact and booking form posts, as the rendered forms would send them."""

from __future__ import annotations

from flask import Flask

from blueprints.booking.slots import settings
from blueprints.coach.public import offered_consultations
from blueprints.shared.spam import new_form_token

VISITOR = "anna.berg@example.org"


def form_stamp(app: Flask) -> str:
    """A valid 'form shown at' stamp, as the rendered form would carry."""
    with app.test_request_context():
        return new_form_token()


def enquiry_data(app: Flask, **overrides: str) -> dict[str, str]:
    """A valid plain enquiry."""
    data = {
        "name": "Anna Berg",
        "email": VISITOR,
        "topic": "program",
        "message": "Is the eight-week program suitable after a disc bulge last year?",
        "context": "",
        "website": "",
        "form_started": form_stamp(app),
    }
    data.update(overrides)
    return data


def slot_long_consultation(app: Flask) -> str:
    """A consultation type that lasts a whole slot (the demo's first assessment), so a booking
    lasts the slot as it did before types existed; "" when the coach offers none."""
    with app.app_context():
        offered = offered_consultations()
        slot = settings().slot_minutes
        fitting = [kind for kind in offered if kind.minutes == slot] or offered
        return str(fitting[0].id) if fitting else ""


def booking_data(app: Flask, slot: str, **overrides: str) -> dict[str, str]:
    """A valid consultation booking of `slot`, every red flag answered no, with the
    consultation type that lasts the whole slot."""
    consultation = slot_long_consultation(app)
    data = {
        **enquiry_data(app),
        "topic": "consultation",
        "message": "",
        "slot": slot,
        "timezone": "Europe/London",
        "format": "video",
        "reason": "Low back stiffness every morning, worse after long drives.",
        "pain_duration": "3_12_months",
        "leg_numbness": "no",
        "bladder_bowel": "no",
        "weight_loss": "no",
        "recent_trauma": "no",
        **({"consultation": consultation} if consultation else {}),
    }
    data.update(overrides)
    return data
