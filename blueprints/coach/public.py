"""What public pages show of the coach: her profile, consented testimonials, her consultations.

Only a testimonial whose client agreed is ever read here: `published_testimonials` is the one
query public pages use, and it filters on consent in SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import select

from blueprints.coach.models import CURRENCIES, CoachProfile, ConsultationType, Testimonial
from blueprints.shared.extensions import db
from blueprints.shared.urls import absolute_url


def current_profile() -> CoachProfile | None:
    """The coach's profile row, if she (or the seed) has written one."""
    return db.session.scalar(select(CoachProfile).order_by(CoachProfile.id))


def published_testimonials(limit: int | None = None) -> list[Testimonial]:
    """Testimonials the client agreed to publish, in the coach's order."""
    query = (
        select(Testimonial)
        .where(Testimonial.consented.is_(True))
        .order_by(Testimonial.position, Testimonial.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def offered_consultations() -> list[ConsultationType]:
    """The consultations a visitor can book now, in the coach's order."""
    return list(
        db.session.scalars(
            select(ConsultationType)
            .where(ConsultationType.is_active.is_(True))
            .order_by(ConsultationType.position, ConsultationType.id)
        )
    )


def currency_code(profile: CoachProfile | None = None) -> str:
    """The currency prices are in (the profile's; pounds before there is one)."""
    profile = profile if profile is not None else current_profile()
    return profile.currency if profile and profile.currency in CURRENCIES else "GBP"


def price_label(cents: int, currency: str) -> str:
    """'Free', '£60' or '£62.50'."""
    if cents <= 0:
        return "Free"
    whole, part = divmod(cents, 100)
    amount = f"{whole:,}" if part == 0 else f"{whole:,}.{part:02d}"
    return f"{CURRENCIES.get(currency, currency + ' ')}{amount}"


def consultation_choice_label(kind: ConsultationType, currency: str) -> str:
    """'First assessment: 45 minutes, £60', as the booking form and emails say it."""
    return f"{kind.name}: {kind.minutes} minutes, {price_label(kind.price_cents, currency)}"


@dataclass
class CoachOnPage:
    """Everything a public page shows of the coach, read once per render."""

    profile: CoachProfile | None
    testimonials: list[Testimonial] = field(default_factory=list)
    consultations: list[ConsultationType] = field(default_factory=list)
    currency: str = "GBP"

    @property
    def name(self) -> str:
        """Her name: the profile's, else the COACH_NAME setting."""
        if self.profile and self.profile.name.strip():
            return self.profile.name.strip()
        return str(current_app.config["COACH_NAME"])

    def price(self, kind: ConsultationType) -> str:
        """A consultation's price in words."""
        return price_label(kind.price_cents, self.currency)

    def portrait_url(self) -> str | None:
        """The portrait's versioned address, or None without one."""
        if not (self.profile and self.profile.portrait_file):
            return None
        return url_for("coach.portrait", v=self.profile.portrait_version())


def coach_on_page(testimonials: int | None = 2) -> CoachOnPage:
    """The profile, up to `testimonials` consented testimonials, and the consultations."""
    profile = current_profile()
    return CoachOnPage(
        profile=profile,
        testimonials=published_testimonials(testimonials),
        consultations=offered_consultations(),
        currency=currency_code(profile),
    )


def structured_data(coach: CoachOnPage) -> Markup:
    """JSON-LD for the about section: a Person, and a LocalBusiness where she has a place.

    json.dumps escapes nothing HTML cares about, so '<', '>' and '&' are escaped by hand: the
    text is the coach's own, but a '</script>' in it must not end the element.
    """
    person: dict[str, object] = {
        "@type": "Person",
        "@id": absolute_url("site.home") + "#coach",
        "name": coach.name,
        "jobTitle": "Strength coach",
        "url": absolute_url("site.home"),
    }
    profile = coach.profile
    if profile is not None:
        if profile.bio.strip():
            person["description"] = profile.bio.strip()
        if profile.credential_lines():
            person["hasCredential"] = [
                {"@type": "EducationalOccupationalCredential", "name": line}
                for line in profile.credential_lines()
            ]
        if profile.portrait_file:
            person["image"] = absolute_url("coach.portrait", v=profile.portrait_version())
    graph: list[dict[str, object]] = [person]
    if profile is not None and profile.works_in_person():
        business: dict[str, object] = {
            "@type": "LocalBusiness",
            "name": current_app.config["SITE_NAME"],
            "url": absolute_url("site.home"),
            "address": profile.place.strip(),
            "founder": {"@id": person["@id"]},
        }
        if coach.consultations:
            business["makesOffer"] = [
                {
                    "@type": "Offer",
                    "name": kind.name,
                    "price": f"{kind.price_cents / 100:.2f}",
                    "priceCurrency": coach.currency,
                }
                for kind in coach.consultations
            ]
        graph.append(business)
    data = {"@context": "https://schema.org", "@graph": graph}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - JSON with <, > and & escaped above
