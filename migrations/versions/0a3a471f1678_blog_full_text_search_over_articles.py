"""blog: full-text search over articles

SQLite only: an FTS5 index over post.title, post.summary and post.body_md, kept in step with
every insert, edit and delete by triggers, so code that writes posts never has to touch it.
On PostgreSQL the search falls back to plain queries and this migration does nothing.

Note for later migrations: a batch_alter_table on "post" recreates the table on SQLite and drops
these triggers; recreate them afterwards (tests/blog/test_blog_search.py checks they exist).

Revision ID: 0a3a471f1678
Revises: 85e652fbfeff
Create Date: 2026-11-25 01:35:12.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0a3a471f1678'
down_revision = '85e652fbfeff'
branch_labels = None
depends_on = None

COLUMNS = "title, summary, body_md"
OLD_VALUES = "old.title, old.summary, old.body_md"
NEW_VALUES = "new.title, new.summary, new.body_md"

CREATE_STATEMENTS = [
    # External content: the text lives once, in "post"; the index stores only the tokens.
    f"""CREATE VIRTUAL TABLE post_search USING fts5(
        {COLUMNS}, content='post', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER post_search_after_insert AFTER INSERT ON post BEGIN
        INSERT INTO post_search(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END""",
    f"""CREATE TRIGGER post_search_after_delete AFTER DELETE ON post BEGIN
        INSERT INTO post_search(post_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD_VALUES});
    END""",
    f"""CREATE TRIGGER post_search_after_update AFTER UPDATE OF id, {COLUMNS} ON post BEGIN
        INSERT INTO post_search(post_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD_VALUES});
        INSERT INTO post_search(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END""",
    # Index whatever articles already exist.
    "INSERT INTO post_search(post_search) VALUES ('rebuild')",
]


def upgrade():
    if op.get_context().dialect.name != "sqlite":
        return
    for statement in CREATE_STATEMENTS:
        op.execute(statement)


def downgrade():
    if op.get_context().dialect.name != "sqlite":
        return
    for trigger in ("after_insert", "after_delete", "after_update"):
        op.execute(f"DROP TRIGGER IF EXISTS post_search_{trigger}")
    op.execute("DROP TABLE IF EXISTS post_search")
