"""video: the queue of uploads to transcode, and what a published video brings to its drill

video_job holds an uploaded original until `flask process-videos` publishes it; the drill gains
the poster frame taken from its video and whether the video kept its sound.

Revision ID: e7b3c1d9a4f2
Revises: 7b3e9d2c4f18
Create Date: 2026-12-07 02:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7b3c1d9a4f2"
down_revision = '7b3e9d2c4f18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "video_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("original", sa.String(length=300), nullable=False),
        sa.Column("video_name", sa.String(length=300), nullable=False),
        sa.Column("poster_name", sa.String(length=300), nullable=False),
        sa.Column("keep_audio", sa.Boolean(), nullable=False),
        sa.Column("poster_at", sa.Float(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("claim", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("percent_done", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["drill_id"], ["drill.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("drill_id"),
    )
    # Plain ADD COLUMN, not batch mode: on SQLite a batch copies the table, which would drop the
    # triggers that keep the drills' full-text index in step.
    op.add_column(
        "drill",
        sa.Column("video_poster_file", sa.String(length=300), nullable=False, server_default=""),
    )
    op.add_column(
        "drill",
        sa.Column("video_has_audio", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade():
    op.drop_column("drill", "video_has_audio")  # SQLite 3.35+: ALTER TABLE ... DROP COLUMN
    op.drop_column("drill", "video_poster_file")
    op.drop_table("video_job")
