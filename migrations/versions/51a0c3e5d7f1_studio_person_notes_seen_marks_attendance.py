"""studio: private notes on a person, "seen" marks, and attended / no-show on bookings

person_note holds the coach's notes about a person, known by email address across enquiries,
bookings, signups, clients and subscribers; seen_mark records who saw an item that needed a look
and when; booking.attendance is "" until the coach marks a past session attended or no-show.

Revision ID: 51a0c3e5d7f1
Revises: e7b3c1d9a4f2
Create Date: 2026-12-07 05:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "51a0c3e5d7f1"
down_revision = "e7b3c1d9a4f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_note_email_id", "person_note", ["email", "id"])
    op.create_table(
        "seen_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("seen_by", sa.String(length=320), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "item_id", name="uq_seen_mark_kind_item"),
    )
    op.add_column(
        "booking",
        sa.Column("attendance", sa.String(length=12), nullable=False, server_default=""),
    )


def downgrade():
    op.drop_column("booking", "attendance")  # no batch copy: it would lose the partial index
    op.drop_table("seen_mark")
    op.drop_index("ix_person_note_email_id", table_name="person_note")
    op.drop_table("person_note")
