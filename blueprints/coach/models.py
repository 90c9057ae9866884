"""The coach as visitors meet her: her profile, clients' words about her, and her consultations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

WORKS = {"place": "At her studio", "online": "Online", "both": "At her studio and online"}
CURRENCIES = {"GBP": "\u00a3", "USD": "$", "EUR": "\u20ac"}


class CoachProfile(db.Model):
    """Who the coach is (one row): name, portrait, bio, credentials and where she works."""

    __tablename__ = "coach_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    credentials: Mapped[str] = mapped_column(Text, default="")  # one per line
    works: Mapped[str] = mapped_column(String(12), default="online")  # a key of WORKS
    place: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Hackney, London"
    currency: Mapped[str] = mapped_column(String(3), default="GBP")  # a key of CURRENCIES
    portrait_file: Mapped[str] = mapped_column(String(80), default="")  # in UPLOAD_FOLDER
    portrait_alt: Mapped[str] = mapped_column(String(300), default="")
    portrait_width: Mapped[int] = mapped_column(default=0)
    portrait_height: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def credential_lines(self) -> list[str]:
        """The credentials, one per line, blanks dropped."""
        return [line.strip() for line in self.credentials.splitlines() if line.strip()]

    def works_in_person(self) -> bool:
        """True when she sees clients at a place (not only online)."""
        return self.works in ("place", "both") and bool(self.place.strip())

    def works_online(self) -> bool:
        """True when she coaches online."""
        return self.works in ("online", "both")

    def where_label(self) -> str:
        """'Hackney, London and online', 'Online', or 'Hackney, London'."""
        parts = []
        if self.works_in_person():
            parts.append(self.place.strip())
        if self.works_online():
            parts.append("online" if parts else "Online")
        return " and ".join(parts)

    def portrait_version(self) -> str:
        """The ?v= of the portrait's address: changes whenever the profile is saved."""
        return f"{self.updated_at:%Y%m%d%H%M%S}"


class Testimonial(db.Model):
    """A client's words about the coach. Published only with the client's consent."""

    __tablename__ = "testimonial"
    __table_args__ = (Index("ix_testimonial_consented_position", "consented", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(String(60))  # a first name or initials
    given_on: Mapped[date] = mapped_column(Date)
    consented: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultationType(db.Model):
    """A kind of consultation a visitor can book: its name, length and price (0 is free).

    Named "type" in code because a booking's `format` already says video call or in person.
    """

    __tablename__ = "consultation_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="")
    minutes: Mapped[int]
    price_cents: Mapped[int] = mapped_column(default=0)  # in the profile's currency
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
