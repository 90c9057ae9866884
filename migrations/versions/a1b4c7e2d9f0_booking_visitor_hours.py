"""booking: the visitor's clock (12 or 24 hours) when they booked, for their emails

Revision ID: a1b4c7e2d9f0
Revises: c0a1d2e3f4a5
Create Date: 2026-12-07 05:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a1b4c7e2d9f0"
down_revision = "c0a1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("booking") as batch_op:
        batch_op.add_column(
            sa.Column("visitor_hours", sa.String(length=2), nullable=False, server_default="24")
        )


def downgrade():
    with op.batch_alter_table("booking") as batch_op:
        batch_op.drop_column("visitor_hours")
