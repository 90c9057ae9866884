"""booking: the coach's bookings feed, her busy calendars, a change time per booking, meeting links

Revision ID: 7b3e9d2c4f18
Revises: 7b3e9d2c4a15
Create Date: 2026-12-07 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e9d2c4f18'
down_revision = '7b3e9d2c4a15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booking_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    op.create_table('busy_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('busy_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('busy_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['busy_calendar.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_busy_block_calendar_id', 'busy_block', ['calendar_id'], unique=False)
    op.create_index('ix_busy_block_ends_at', 'busy_block', ['ends_at'], unique=False)
    # Plain ADD COLUMN (no table copy on SQLite: booking keeps its partial unique index).
    op.add_column('booking', sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.add_column('booking', sa.Column('meeting_url', sa.String(length=500), server_default='', nullable=False))
    op.add_column('availability_settings', sa.Column('meeting_room_url', sa.String(length=500), server_default='', nullable=False))
    op.add_column('availability_settings', sa.Column('meeting_base_url', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('availability_settings', schema=None) as batch_op:
        batch_op.drop_column('meeting_base_url')
        batch_op.drop_column('meeting_room_url')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('meeting_url')
        batch_op.drop_column('updated_at')
    op.drop_index('ix_busy_block_ends_at', table_name='busy_block')
    op.drop_index('ix_busy_block_calendar_id', table_name='busy_block')
    op.drop_table('busy_block')
    op.drop_table('busy_calendar')
    op.drop_table('booking_feed')
