"""The full-text engines' tables: FTS5 on SQLite, tsvector + GIN on PostgreSQL, each only there.

The SQL is written out here (not imported from the backends) so this migration keeps meaning
what it meant when it ran, whatever the backends become.
"""

from django.db import migrations

from quaestio.core.db import on_vendor

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, code, url, tokenize = 'ascii')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES_CREATE = [
    "CREATE TABLE IF NOT EXISTS search_document (post_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_document_gin ON search_document USING gin (document)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_document"]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(on_vendor("sqlite", SQLITE_CREATE), on_vendor("sqlite", SQLITE_DROP)),
        migrations.RunPython(
            on_vendor("postgresql", POSTGRES_CREATE), on_vendor("postgresql", POSTGRES_DROP)
        ),
    ]
