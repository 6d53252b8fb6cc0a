"""PostgreSQL: search_titleterm, how many documents hold each title word (kept by the engine's
writes, see backends/postgres_titles.py), filled from the documents. Nothing on SQLite, whose
FTS5 needs no counts to read a word's newest titles."""

from django.db import migrations

from quaestio.core.db import on_vendor

# Written out, so this migration keeps meaning what it meant.
FORWARD = [
    "CREATE TABLE search_titleterm (term text PRIMARY KEY, questions integer NOT NULL)",
    "INSERT INTO search_titleterm (term, questions) "
    "SELECT substr(l, 2), COUNT(*) FROM search_document, "
    "unnest(tsvector_to_array(ts_filter(document, '{a}'))) l "
    "WHERE l LIKE '§%%' GROUP BY 1",
]
BACKWARD = ["DROP TABLE search_titleterm"]


class Migration(migrations.Migration):
    dependencies = [("search", "0005_document_facts")]

    operations = [
        migrations.RunPython(on_vendor("postgresql", FORWARD), on_vendor("postgresql", BACKWARD)),
    ]
