"""shared: extra headers on outbox messages (List-Unsubscribe and friends)

Revision ID: d5a1e0c7b3f2
Revises: 1f2bd4cf7e5c
Create Date: 2026-12-01 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a1e0c7b3f2'
down_revision = '1f2bd4cf7e5c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('headers')
