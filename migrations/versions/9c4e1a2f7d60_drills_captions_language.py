"""drills: the language of an uploaded video's captions

The captions file itself already had its column (drill.captions_file); its language, a BCP 47
tag used as the <track>'s srclang and label, is new. Existing rows get English.

Revision ID: 9c4e1a2f7d60
Revises: 3f1c9a7e2b40
Create Date: 2026-12-01 10:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9c4e1a2f7d60"
down_revision = "3f1c9a7e2b40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drill", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("captions_lang", sa.String(length=35), nullable=False, server_default="en")
        )


def downgrade():
    with op.batch_alter_table("drill", schema=None) as batch_op:
        batch_op.drop_column("captions_lang")
