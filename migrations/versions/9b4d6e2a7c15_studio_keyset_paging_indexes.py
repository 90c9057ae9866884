"""studio: indexes for paging by key (created_at, id) and for the dashboard's counts

Revision ID: 9b4d6e2a7c15
Revises: 9c4b7e2a1d58
Create Date: 2026-12-01 10:40:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "9b4d6e2a7c15"
down_revision = "9c4b7e2a1d58"
branch_labels = None
depends_on = None


def upgrade():
    # (status, created_at, id) replaces (status, created_at): the id settles equal timestamps
    # in the index itself (PostgreSQL does not append it to every index as SQLite does).
    with op.batch_alter_table("enquiry", schema=None) as batch_op:
        batch_op.drop_index("ix_enquiry_status_created")
        batch_op.create_index(
            "ix_enquiry_status_created_id", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_enquiry_created_id", ["created_at", "id"], unique=False)

    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index("ix_booking_enquiry_id", ["enquiry_id"], unique=False)
        batch_op.create_index("ix_booking_starts_id", ["starts_at", "id"], unique=False)

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comment_status_created_id", ["status", "created_at", "id"], unique=False
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_status_created_id", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_outbox_created_id", ["created_at", "id"], unique=False)

    with op.batch_alter_table("newsletter_subscriber", schema=None) as batch_op:
        batch_op.create_index(
            "ix_newsletter_subscriber_status_created_id",
            ["status", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_newsletter_subscriber_created_id", ["created_at", "id"], unique=False
        )

    # (program_id, status, created_at, id) replaces (program_id, status), which it starts with.
    with op.batch_alter_table("signup", schema=None) as batch_op:
        batch_op.drop_index("ix_signup_program_status")
        batch_op.create_index(
            "ix_signup_program_status_created_id",
            ["program_id", "status", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_signup_status_program", ["status", "program_id"], unique=False)
        batch_op.create_index("ix_signup_created_id", ["created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("signup", schema=None) as batch_op:
        batch_op.drop_index("ix_signup_created_id")
        batch_op.drop_index("ix_signup_status_program")
        batch_op.drop_index("ix_signup_program_status_created_id")
        batch_op.create_index("ix_signup_program_status", ["program_id", "status"], unique=False)

    with op.batch_alter_table("newsletter_subscriber", schema=None) as batch_op:
        batch_op.drop_index("ix_newsletter_subscriber_created_id")
        batch_op.drop_index("ix_newsletter_subscriber_status_created_id")

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_created_id")
        batch_op.drop_index("ix_outbox_status_created_id")

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_status_created_id")

    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_starts_id")
        batch_op.drop_index("ix_booking_enquiry_id")

    with op.batch_alter_table("enquiry", schema=None) as batch_op:
        batch_op.drop_index("ix_enquiry_created_id")
        batch_op.drop_index("ix_enquiry_status_created_id")
        batch_op.create_index("ix_enquiry_status_created", ["status", "created_at"], unique=False)
