"""blog: full-text search index for PostgreSQL

PostgreSQL only: a GIN index over the weighted document blueprints/blog/search.py searches
(title A, summary B, body C, English stemming). The expression must stay identical to
PG_DOCUMENT there, or the planner will not use the index (tests/blog/test_blog_search.py checks).
On SQLite the FTS5 index of 0a3a471f1678 does this job and this migration does nothing.

Revision ID: c41e2b7d9a10
Revises: b802790ddbf8
Create Date: 2026-11-25 02:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41e2b7d9a10'
down_revision = 'b802790ddbf8'
branch_labels = None
depends_on = None

DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('english', coalesce(body_md, '')), 'C')"
)


def upgrade():
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_post_search ON post USING gin (({DOCUMENT}))")


def downgrade():
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_post_search")
