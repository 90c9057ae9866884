"""The coach's profile, testimonials and consultation types in the studio: round trips, and a
refused form answers 422 with the message next to the field and saves nothing."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from blueprints.coach.models import CoachProfile, ConsultationType
from blueprints.coach.models import Testimonial as ClientQuote  # a Test* name pytest would collect
from harness import stored
from harness.studio import png_bytes, upload

PROFILE = {
    "name": "Maya Lindqvist",
    "bio": "I help backs that keep flaring up.",
    "credentials": "Level 4 S&C coach\n\n  MSc Sports Science  ",
    "works": "both",
    "place": "Hackney, London",
    "currency": "GBP",
    "portrait_alt": "Maya in a teal top",
}


def uploads_in(app: Flask) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def phone_photo() -> bytes:
    """A landscape JPEG carrying what a phone adds: GPS position, camera, a comment."""
    image = Image.new("RGB", (1200, 800), "tan")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 32.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"shot at home, 12 Acacia Road")
    return buffer.getvalue()


def error_next_to(html: str, field_id: str) -> str:
    """The message shown right after the field (the macro's `<id>-error` paragraph)."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]+)</p>', html)
    assert match, f"no message beside {field_id}"
    return unescape(match.group(1))


def test_the_profile_round_trip_strips_and_squares_the_photo(
    app: Flask, coach: FlaskClient
) -> None:
    assert coach.get("/studio/profile").status_code == 200
    data = {**PROFILE, "portrait": upload(phone_photo(), "IMG_0001.JPG")}
    response = coach.post("/studio/profile", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location == "/studio/profile"
    [profile] = stored(app, CoachProfile)
    assert profile.credentials == "Level 4 S&C coach\nMSc Sports Science"
    assert (profile.works, profile.place, profile.portrait_alt) == (
        "both",
        "Hackney, London",
        "Maya in a teal top",
    )
    saved = Path(app.config["UPLOAD_FOLDER"]) / profile.portrait_file
    raw = saved.read_bytes()
    assert b"PhoneMaker" not in raw and b"Acacia" not in raw and b"Exif" not in raw
    with Image.open(saved) as image:
        assert image.format == "JPEG" and image.size == (480, 480)
        assert not image.getexif() and "comment" not in image.info
    home = unescape(app.test_client().get("/").get_data(as_text=True))
    assert 'alt="Maya in a teal top"' in home
    assert "Level 4 S&C coach" in home and "Hackney, London and online" in home
    # a new photo replaces the old file; removing it removes the file and the alt text
    data = {**PROFILE, "portrait": upload(png_bytes(300, 500), "me.png")}
    assert (
        coach.post("/studio/profile", data=data, content_type="multipart/form-data").status_code
        == 302
    )
    [profile] = stored(app, CoachProfile)
    assert uploads_in(app) == [profile.portrait_file]
    assert (
        coach.post("/studio/profile", data={**PROFILE, "remove_portrait": "y"}).status_code == 302
    )
    [profile] = stored(app, CoachProfile)
    assert profile.portrait_file == "" and profile.portrait_alt == "" and uploads_in(app) == []


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"works": "both", "place": " "}, "place", "Say where you see clients"),
        ({"works": "moon"}, "works", "Choose one of the options."),
        ({"currency": "XYZ"}, "currency", "Choose one of the currencies."),
        ({"credentials": "x" * 170}, "credentials", "Keep each credential under 160 characters."),
        ({"portrait": (io.BytesIO(b"not an image at all"), "me.jpg")}, "portrait", "not an image"),
        (
            {"portrait": (io.BytesIO(png_bytes(40, 40)), "me.png"), "portrait_alt": ""},
            "portrait_alt",
            "Describe the photo",
        ),
    ],
)
def test_a_refused_profile_says_why_beside_the_field_and_saves_nothing(
    app: Flask, coach: FlaskClient, change: dict[str, object], field_id: str, message: str
) -> None:
    response = coach.post(
        "/studio/profile", data={**PROFILE, **change}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in error_next_to(html, field_id)
    assert 'aria-invalid="true"' in html
    assert stored(app, CoachProfile) == [] and uploads_in(app) == []


def test_testimonials_round_trip_and_refusals(app: Flask, coach: FlaskClient) -> None:
    good = {
        "quote": "Strong again.",
        "attribution": "Priya S.",
        "given_on": "2026-10-01",
        "position": "0",
    }
    for change, field_id, message in (
        ({"quote": "  "}, "quote", "Write the client's words."),
        ({"attribution": "Priya Sharma Jones"}, "attribution", "first name or initials only"),
        ({"given_on": "2999-01-01"}, "given_on", "That date is in the future."),
        ({"given_on": "yesterday"}, "given_on", "Not a valid date value."),
        ({"position": "-3"}, "position", "Use 0 to 999."),
    ):
        response = coach.post("/studio/testimonials/new", data={**good, **change})
        assert response.status_code == 422, change
        assert message in error_next_to(response.get_data(as_text=True), field_id), change
    assert stored(app, ClientQuote) == []
    response = coach.post("/studio/testimonials/new", data=good)  # consent not ticked
    assert response.status_code == 302
    [row] = stored(app, ClientQuote)
    assert (row.quote, row.attribution, row.consented) == ("Strong again.", "Priya S.", False)
    assert "Strong again." not in app.test_client().get("/").get_data(as_text=True)
    response = coach.post(
        f"/studio/testimonials/{row.id}/edit", data={**good, "quote": "", "consented": "y"}
    )
    assert response.status_code == 422
    assert stored(app, ClientQuote)[0].consented is False  # nothing of the refused edit saved
    assert coach.post(f"/studio/testimonials/{row.id}/delete").status_code == 302
    assert stored(app, ClientQuote) == []


def test_consultation_types_round_trip_and_refusals(app: Flask, coach: FlaskClient) -> None:
    good = {
        "name": "Assessment",
        "description": "Tests in every direction.",
        "minutes": "45",
        "price": "60",
        "is_active": "y",
        "position": "0",
    }
    for change, field_id, message in (
        ({"name": ""}, "name", "Name the consultation."),
        ({"minutes": "50"}, "minutes", "Your booking slots are 45 minutes"),
        ({"minutes": "5"}, "minutes", "Use 10 to 240 minutes."),
        ({"minutes": "half an hour"}, "minutes", "Not a valid integer value."),
        ({"price": "12.345"}, "price", "Use at most two decimal places."),
        ({"price": "-1"}, "price", "Use 0 to 10,000."),
        ({"price": ""}, "price", "Enter a price, or 0 for free."),
    ):
        response = coach.post("/studio/consultations/new", data={**good, **change})
        assert response.status_code == 422, change
        assert message in error_next_to(response.get_data(as_text=True), field_id), change
    assert stored(app, ConsultationType) == []
    assert (
        coach.post("/studio/consultations/new", data={**good, "price": "62.50"}).status_code == 302
    )
    assert (
        coach.post(
            "/studio/consultations/new",
            data={**good, "name": "Intro", "minutes": "20", "price": "0"},
        ).status_code
        == 302
    )
    assessment, intro = stored(app, ConsultationType)
    assert (assessment.minutes, assessment.price_cents, intro.price_cents) == (45, 6250, 0)
    listing = unescape(coach.get("/studio/consultations").get_data(as_text=True))
    assert "£62.50" in listing and "Free" in listing
    edit = coach.get(f"/studio/consultations/{assessment.id}/edit").get_data(as_text=True)
    assert 'value="62.50"' in edit
    contact = unescape(app.test_client().get("/contact/").get_data(as_text=True))
    assert "45 minutes · £62.50" in contact and "20 minutes · Free" in contact
    assert coach.post(f"/studio/consultations/{intro.id}/delete").status_code == 302
    assert [row.name for row in stored(app, ConsultationType)] == ["Assessment"]


def test_the_studio_pages_need_the_coach(client: FlaskClient) -> None:
    for path in ("/studio/profile", "/studio/testimonials", "/studio/consultations"):
        response = client.get(path)
        assert response.status_code == 302 and "/studio/login" in response.location
    assert client.post("/studio/testimonials/new", data={"quote": "x"}).status_code == 302
