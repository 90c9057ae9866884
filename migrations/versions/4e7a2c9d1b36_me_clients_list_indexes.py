"""me: indexes for the studio's clients list (paged by email, who needs a look)

Revision ID: 4e7a2c9d1b36
Revises: 9b4d6e2a7c15
Create Date: 2026-12-01 14:20:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "4e7a2c9d1b36"
down_revision = "9b4d6e2a7c15"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index("ix_client_email_id", ["email", "id"], unique=False)

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index("ix_plan_client_id_id", ["client_id", "id"], unique=False)

    with op.batch_alter_table("drill_log", schema=None) as batch_op:
        batch_op.create_index("ix_drill_log_session_pain", ["session_id", "pain"], unique=False)


def downgrade():
    with op.batch_alter_table("drill_log", schema=None) as batch_op:
        batch_op.drop_index("ix_drill_log_session_pain")

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_client_id_id")

    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_email_id")
