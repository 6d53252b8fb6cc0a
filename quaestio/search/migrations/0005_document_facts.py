"""PostgreSQL: each search document gains the lexemes of its post's creation date and score
(backends/postgres_facts.py), so `created:` and `score:` are intersected with the words by GIN.

"#y:2020", "#m:2020-03", "#d:2020-03-15" from search_document.creation_date (UTC), and "#s:N"
for each step N the post's score reaches. Filled by ALTER ... TYPE ... USING, which rewrites
the table once and rebuilds its indexes after, as 0004 did (an UPDATE would insert each row's
lexemes and pairs into the GIN indexes again). Nothing on SQLite. The SQL is written out here,
as in 0002, so this migration keeps meaning what it meant.
"""

from django.db import migrations

from quaestio.core.db import on_vendor

STEPS = "'{-5,-1,0,1,2,3,4,5,7,10,15,25,50,100,250,1000}'::integer[]"
# A function: ALTER ... USING takes no subquery. Posts without a row (none should be) get no
# score lexemes; their next index write adds them.
SCORE_FUNCTION = (
    "CREATE FUNCTION pg_temp.score_lexemes(post bigint) RETURNS text[] "
    "LANGUAGE sql STABLE AS $$ "
    f"SELECT ARRAY(SELECT '#s:' || step FROM posts_post p, unnest({STEPS}) step "
    "WHERE p.id = post AND step <= p.score ORDER BY step) $$"
)
UTC = "(creation_date AT TIME ZONE 'UTC')"
DATES = (
    f"array_remove(ARRAY['#y:' || to_char({UTC}, 'YYYY'), '#m:' || to_char({UTC}, 'YYYY-MM'), "
    f"'#d:' || to_char({UTC}, 'YYYY-MM-DD')], NULL)"
)
FACTS = f"array_to_tsvector({DATES} || pg_temp.score_lexemes(post_id))"
FORWARD = [
    "SET LOCAL maintenance_work_mem = '512MB'",
    SCORE_FUNCTION,
    f"ALTER TABLE search_document ALTER COLUMN document TYPE tsvector USING document || {FACTS}",
    "DROP FUNCTION pg_temp.score_lexemes(bigint)",
    "ANALYZE search_document",
]
STRIP_FUNCTION = (
    "CREATE FUNCTION pg_temp.without_facts(doc tsvector) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT ts_delete(doc, "
    "ARRAY(SELECT lexeme FROM unnest(doc) WHERE lexeme ~ '^#[ymds]:')) $$"
)
BACKWARD = [
    "SET LOCAL maintenance_work_mem = '512MB'",
    STRIP_FUNCTION,
    "ALTER TABLE search_document ALTER COLUMN document TYPE tsvector "
    "USING pg_temp.without_facts(document)",
    "DROP FUNCTION pg_temp.without_facts(tsvector)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_document_pairs"), ("posts", "0001_initial")]

    operations = [
        migrations.RunPython(on_vendor("postgresql", FORWARD), on_vendor("postgresql", BACKWARD)),
    ]
