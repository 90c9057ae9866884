"""outbox: extra headers per message (stand-in until the shared outbox change lands)

Revision ID: 9d2e4b6a1c83
Revises: 3f1c9a7e2b40
Create Date: 2026-12-01 07:21:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d2e4b6a1c83'
down_revision = '3f1c9a7e2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('headers')
