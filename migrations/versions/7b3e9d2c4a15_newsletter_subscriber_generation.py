"""newsletter: a subscription generation, so a confirmation link dies with an unsubscribe

Revision ID: 7b3e9d2c4a15
Revises: 6b1d9e4c2a57
Create Date: 2026-12-07 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e9d2c4a15'
down_revision = '6b1d9e4c2a57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('newsletter_subscriber', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('generation', sa.Integer(), nullable=False, server_default='0')
        )
    # Links sent before this carry no generation (read as 0): an address that has already
    # unsubscribed starts at 1, so none of its old confirmation links works.
    op.execute(
        "UPDATE newsletter_subscriber SET generation = 1 WHERE status = 'unsubscribed'"
    )


def downgrade():
    with op.batch_alter_table('newsletter_subscriber', schema=None) as batch_op:
        batch_op.drop_column('generation')
