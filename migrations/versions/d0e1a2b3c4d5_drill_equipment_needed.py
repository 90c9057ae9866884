"""Drill equipment: what a drill needs, apart from what it may progress to.

Revision ID: d0e1a2b3c4d5
Revises: a1b4c7e2d9f0
Create Date: 2026-12-07

Until now a drill listing "none" beside other kit meant "can start with nothing; the kit is for
loading it later", so those other rows become progressions; every other row stays needed.
"""

import sqlalchemy as sa
from alembic import op

revision = "d0e1a2b3c4d5"
down_revision = "a1b4c7e2d9f0"
branch_labels = None
depends_on = None

equipment = sa.table(
    "drill_equipment",
    sa.column("drill_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("needed", sa.Boolean),
)


def upgrade() -> None:
    """Add `needed` (true for every row), then turn the kit beside "none" into progressions."""
    with op.batch_alter_table("drill_equipment") as batch:
        batch.add_column(
            sa.Column("needed", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    bodyweight = sa.select(equipment.c.drill_id).where(equipment.c.name == "none")
    op.execute(
        equipment.update()
        .where(equipment.c.name != "none", equipment.c.drill_id.in_(bodyweight))
        .values(needed=False)
    )


def downgrade() -> None:
    """Drop the column: every row reads as equipment again."""
    with op.batch_alter_table("drill_equipment") as batch:
        batch.drop_column("needed")
