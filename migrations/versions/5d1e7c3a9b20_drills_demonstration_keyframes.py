"""drills: demonstration keyframes

Each drill keeps the keyframes of its built-in demonstration as TOML text (empty: none); the
seed fills the demo drills from content/drills/<slug>.motion.toml.

Revision ID: 5d1e7c3a9b20
Revises: d5a1e0c7b3f2
Create Date: 2026-12-01 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9b20'
down_revision = 'd5a1e0c7b3f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drill', schema=None) as batch_op:
        batch_op.add_column(sa.Column('motion', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('drill', schema=None) as batch_op:
        batch_op.drop_column('motion')
