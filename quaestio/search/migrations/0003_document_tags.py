"""PostgreSQL: each indexed post's question tags (GIN) and creation date (btree) on
search_document.

A search with words and a [tag] then intersects the word's and the tag's GIN bitmaps instead of
building the tag's set of questions and answers from the posts tables; `created:` narrows the
matches with a btree bitmap likewise. Existing rows are filled by one UPDATE (the tags of the
post's question, its own for a question; the post's creation date). Nothing on SQLite.
The SQL is written out here, as in 0002, so this migration keeps meaning what it meant.
"""

from django.db import migrations

from quaestio.core.db import on_vendor

QUESTION_TAGS = (
    "COALESCE((SELECT array_agg(t.tag_id ORDER BY t.tag_id)::integer[] FROM tags_posttag t "
    "WHERE t.post_id = COALESCE(p.parent_id, p.id)), '{}')"
)
FORWARD = [
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS tag_ids integer[] NOT NULL DEFAULT '{}'",
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS creation_date timestamp with time zone",
    # Rows already filled (by a reindex since, say) are left alone.
    f"UPDATE search_document d SET tag_ids = {QUESTION_TAGS}, creation_date = p.creation_date "
    "FROM posts_post p WHERE p.id = d.post_id AND d.creation_date IS NULL",
    "CREATE INDEX IF NOT EXISTS search_document_tags ON search_document USING gin (tag_ids)",
    "CREATE INDEX IF NOT EXISTS search_document_created ON search_document (creation_date)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_document_created",
    "DROP INDEX IF EXISTS search_document_tags",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS creation_date",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tag_ids",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine_tables"), ("tags", "0001_initial")]

    operations = [
        migrations.RunPython(on_vendor("postgresql", FORWARD), on_vendor("postgresql", BACKWARD)),
    ]
