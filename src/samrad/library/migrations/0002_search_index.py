"""The full-text structures behind library_searchentry, which differ by database (docs/decisions/0005-search.md).

PostgreSQL: a stored generated tsvector column in the `swedish` configuration (the title, weight A, only for
entries that are not pages of a document; the text, weight D) and a GIN index on it.

SQLite: an FTS5 table whose rowid is the entry's id and whose columns hold the Swedish stems of the title and
text (written by the application, which stems them; see search_backends/sqlite.py), and a trigger that removes
an entry's row whenever the entry is deleted (also by cascades and flushes).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    ALTER TABLE library_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('swedish'::regconfig, CASE WHEN page IS NULL THEN title ELSE '' END), 'A')
        || setweight(to_tsvector('swedish'::regconfig, body), 'D')
    ) STORED
    """,
    "CREATE INDEX search_entry_vector ON library_searchentry USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE library_searchentry DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE library_searchentry_fts USING fts5(
        title, body, tokenize = "unicode61 remove_diacritics 0"
    )
    """,
    """
    CREATE TRIGGER library_searchentry_fts_delete AFTER DELETE ON library_searchentry BEGIN
        DELETE FROM library_searchentry_fts WHERE rowid = old.id;
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_searchentry_fts_delete",
    "DROP TABLE IF EXISTS library_searchentry_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
