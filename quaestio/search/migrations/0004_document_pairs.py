"""PostgreSQL: search_document.pairs, the buckets of each post's adjacent token pairs,
GIN-indexed, so a phrase search reads only the posts holding its pairs; and each document's id
block lexemes, so a slice of ids is read from GIN alone (both in backends/postgres.py).

Existing rows are filled from their stored documents: two lexemes whose positions follow each
other are a pair, hashed as pair_hash does in Python (md5, PAIR_BUCKETS buckets). That is the
very set of pairs `<->` can match in the document, so every phrase keeps its results; for a
post of usual length it equals what a reindex writes (checked on 2,000 generated posts). The
block lexemes are the post id shifted as block_lexemes does. Both are filled by ALTER ... TYPE
... USING, which rewrites the table once and rebuilds its indexes after: an UPDATE doubled the
table and inserted each row's hundred lexemes into the document's GIN index again. Nothing on SQLite. The SQL is written out here, as in 0002, so this migration
keeps meaning what it meant.
"""

from django.db import migrations

from quaestio.core.db import on_vendor

# Title words are stored twice, the second marked with "§" (see TITLE_MARK): skipped here.
POSITIONS = "SELECT lexeme, unnest(positions) AS p FROM unnest(doc) WHERE lexeme !~ '^§'"
BUCKET = "mod(('x' || left(md5(a.lexeme || ' ' || b.lexeme), 8))::bit(32)::bigint, 262144)"
PAIRS_FUNCTION = (
    "CREATE FUNCTION pg_temp.document_pairs(doc tsvector) RETURNS integer[] "
    "LANGUAGE sql IMMUTABLE AS $$ "
    "SELECT COALESCE(array_agg(DISTINCT h ORDER BY h), '{}') FROM ("
    f"SELECT {BUCKET}::integer AS h FROM ({POSITIONS}) a JOIN ({POSITIONS}) b ON b.p = a.p + 1"
    ") found $$"
)
# The post's id blocks (BLOCK_BITS 18, 14, 10), as lexemes without positions.
BLOCKS = (
    "array_to_tsvector(ARRAY['#18:' || (post_id >> 18), '#14:' || (post_id >> 14), "
    "'#10:' || (post_id >> 10)])"
)
FORWARD = [
    "SET LOCAL maintenance_work_mem = '512MB'",
    PAIRS_FUNCTION,
    "ALTER TABLE search_document ADD COLUMN pairs integer[] NOT NULL DEFAULT '{}'",
    "ALTER TABLE search_document ALTER COLUMN pairs DROP DEFAULT",
    "ALTER TABLE search_document ALTER COLUMN pairs TYPE integer[] "
    "USING pg_temp.document_pairs(document), ALTER COLUMN document TYPE tsvector "
    f"USING document || {BLOCKS}",
    "DROP FUNCTION pg_temp.document_pairs(tsvector)",
    "CREATE INDEX search_document_pairs ON search_document USING gin (pairs)",
    "ANALYZE search_document",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_document_pairs",
    f"UPDATE search_document SET document = ts_delete(document, tsvector_to_array({BLOCKS}))",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS pairs",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_tags")]

    operations = [
        migrations.RunPython(on_vendor("postgresql", FORWARD), on_vendor("postgresql", BACKWARD)),
    ]
