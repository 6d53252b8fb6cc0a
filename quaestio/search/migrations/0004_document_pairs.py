"""PostgreSQL: search_document.pairs, hashes of each post's adjacent tokens, GIN-indexed, so a
phrase search reads only the posts holding its word pairs (see backends/postgres.py).

Existing rows are left NULL, which phrase searches treat as "may hold any pair": results are
right at once, and fast once `quaestio reindex` (or an edit of the post) fills them. The
partial index finds the unfilled rows cheaply. Filling them here would mean tokenizing every
post inside the migration, a reindex's work with none of its progress reporting. Nothing on
SQLite. The SQL is written out here, as in 0002, so this migration keeps meaning what it meant.
"""

from django.db import migrations

from quaestio.core.db import on_vendor

FORWARD = [
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS pairs integer[]",
    "CREATE INDEX IF NOT EXISTS search_document_pairs ON search_document USING gin (pairs)",
    "CREATE INDEX IF NOT EXISTS search_document_unpaired ON search_document (post_id) "
    "WHERE pairs IS NULL",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_document_unpaired",
    "DROP INDEX IF EXISTS search_document_pairs",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS pairs",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_tags")]

    operations = [
        migrations.RunPython(on_vendor("postgresql", FORWARD), on_vendor("postgresql", BACKWARD)),
    ]
