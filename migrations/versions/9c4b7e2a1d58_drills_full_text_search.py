"""drills: full-text search over drills

The same two indexes the articles have (0a3a471f1678, c41e2b7d9a10), for drills: the database
keeps them in step with every insert, edit and delete, so code that writes drills never touches
them, and this migration fills them for the drills already there.

SQLite: an FTS5 index `drill_search` over drill.name, summary, steps, cues, mistakes and
progression (external content: the text stays once, in "drill"), kept in step by triggers.
PostgreSQL: a GIN index `ix_drill_search` over the weighted document blueprints/drills/search.py
searches; the expression must stay identical to PG_DOCUMENT there or the planner will not use it
(tests/drills/test_drill_search.py checks both).

Note for later migrations: a batch_alter_table on "drill" recreates the table on SQLite and drops
these triggers; recreate them afterwards (tests/drills/test_drill_search.py checks they exist).

Revision ID: 9c4b7e2a1d58
Revises: 9c4e1a2f7d60
Create Date: 2026-12-01 10:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c4b7e2a1d58'
down_revision = '9c4e1a2f7d60'
branch_labels = None
depends_on = None

COLUMNS = "name, summary, steps, cues, mistakes, progression"
OLD_VALUES = "old.name, old.summary, old.steps, old.cues, old.mistakes, old.progression"
NEW_VALUES = "new.name, new.summary, new.steps, new.cues, new.mistakes, new.progression"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE drill_search USING fts5(
        {COLUMNS}, content='drill', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER drill_search_after_insert AFTER INSERT ON drill BEGIN
        INSERT INTO drill_search(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END""",
    f"""CREATE TRIGGER drill_search_after_delete AFTER DELETE ON drill BEGIN
        INSERT INTO drill_search(drill_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD_VALUES});
    END""",
    f"""CREATE TRIGGER drill_search_after_update AFTER UPDATE OF id, {COLUMNS} ON drill BEGIN
        INSERT INTO drill_search(drill_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD_VALUES});
        INSERT INTO drill_search(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END""",
    # Index the drills that already exist.
    "INSERT INTO drill_search(drill_search) VALUES ('rebuild')",
]

POSTGRES_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('english', coalesce(steps, '') || ' ' || coalesce(cues, '')"
    " || ' ' || coalesce(mistakes, '') || ' ' || coalesce(progression, '')), 'C')"
)


def upgrade():
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_CREATE:
            op.execute(statement)
    elif dialect == "postgresql":
        # Building the index reads every existing drill.
        op.execute(f"CREATE INDEX ix_drill_search ON drill USING gin (({POSTGRES_DOCUMENT}))")


def downgrade():
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for trigger in ("after_insert", "after_delete", "after_update"):
            op.execute(f"DROP TRIGGER IF EXISTS drill_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS drill_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_drill_search")
