"""coach: the profile, testimonials and consultation types; what a booking chose of them

Revision ID: c0a1d2e3f4a5
Revises: 51a0c3e5d7f1
Create Date: 2026-12-07 05:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c0a1d2e3f4a5"
down_revision = "51a0c3e5d7f1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coach_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("works", sa.String(length=12), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("portrait_file", sa.String(length=80), nullable=False),
        sa.Column("portrait_alt", sa.String(length=300), nullable=False),
        sa.Column("portrait_width", sa.Integer(), nullable=False),
        sa.Column("portrait_height", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "testimonial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("attribution", sa.String(length=60), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_testimonial_consented_position", "testimonial", ["consented", "position", "id"]
    )
    op.create_table(
        "consultation_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Plain ADD COLUMN (no batch copy of the table, which holds a partial unique index).
    op.add_column(
        "booking",
        sa.Column("consultation_name", sa.String(length=80), nullable=False, server_default=""),
    )
    op.add_column("booking", sa.Column("consultation_minutes", sa.Integer(), nullable=True))
    op.add_column(
        "booking",
        sa.Column("consultation_price", sa.String(length=40), nullable=False, server_default=""),
    )


def downgrade():
    op.drop_column("booking", "consultation_price")  # SQLite 3.35+: ALTER TABLE ... DROP COLUMN
    op.drop_column("booking", "consultation_minutes")
    op.drop_column("booking", "consultation_name")
    op.drop_table("consultation_type")
    op.drop_index("ix_testimonial_consented_position", table_name="testimonial")
    op.drop_table("testimonial")
    op.drop_table("coach_profile")
