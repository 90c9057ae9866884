"""The coach's login, the record of erasures, her private notes on people and "seen" marks."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db


class User(UserMixin, db.Model):
    """A person who may use the studio."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a scrypt hash, never the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class ErasureLog(db.Model):
    """That a person's data was erased, when and how much; never who (only a hash)."""

    __tablename__ = "erasure_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_sha256: Mapped[str] = mapped_column(String(64))
    rows_removed: Mapped[int] = mapped_column(default=0)
    erased_by: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PersonNote(db.Model):
    """A private note the coach keeps about a person (known by email); never shown to them."""

    __tablename__ = "person_note"
    __table_args__ = (Index("ix_person_note_email_id", "email", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeenMark(db.Model):
    """That someone in the studio has seen an item that needed a look, and when."""

    __tablename__ = "seen_mark"
    __table_args__ = (UniqueConstraint("kind", "item_id", name="uq_seen_mark_kind_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "enquiry" or "client"
    item_id: Mapped[int]
    seen_by: Mapped[str] = mapped_column(String(320))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
