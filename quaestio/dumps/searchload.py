"""The search index of imported posts, built while Posts.xml loads instead of after the import.

The live site indexes a post with `build_document` (quaestio.search.text) and writes the
document in its engine's row form. Done after the import, over a whole dump, that reindex was
a single-core phase of its own (about a tenth of a million-row import); here the importer runs
the same `build_document` on each batch of posts while the parsing process sanitises the next
batch's bodies, and writes the engine's rows in bulk inside the import's transaction, so a
failed import leaves no index rows behind either. Posts already on the site keep their index entries; the index of an
imported post is the one `quaestio reindex` would build (tests/dumps/test_search_load.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from quaestio.posts.models import PostType
from quaestio.search.models import SearchWord
from quaestio.search.text import Document, build_document

SEARCHABLE_TYPES = frozenset((int(PostType.QUESTION), int(PostType.ANSWER)))


def engine_rows() -> tuple[str, list[str], Callable[[Document], tuple]]:
    """(table, columns, document -> row) of the search engine of the database in use."""
    if connection.vendor == "postgresql":
        from quaestio.search.backends.postgres import (
            TABLE,
            pair_hashes,
            pairs_literal,
            tsvector_literal,
        )

        # The pairs go to COPY as array text ("{1,2,3}"), as the live bulk_load writes them:
        # handed over as a list, psycopg's array dumper (pure Python) formatted every element,
        # about 2 s of the importer's CPU a million-row dump.
        return (
            TABLE,
            ["post_id", "document", "pairs"],
            lambda d: (d.post_id, tsvector_literal(d), pairs_literal(pair_hashes(d))),
        )
    from quaestio.search.backends.sqlite_fts import TABLE, _row

    return TABLE, ["rowid", "title", "body", "code", "url"], _row


class PostIndexer:
    """Each question's and answer's engine row, and the words of the wildcard vocabulary not
    handed over before (each word once per import)."""

    def __init__(self, columns: list[str]) -> None:
        self.id_index = columns.index("id")
        self.type_index = columns.index("post_type")
        self.title_index = columns.index("title")
        self.body_index = columns.index("body")
        _table, _columns, self.to_row = engine_rows()
        self.seen: set[str] = set()
        self.rows: list[tuple] = []
        self.words: list[str] = []

    def add(self, values: list) -> None:
        if values[self.type_index] not in SEARCHABLE_TYPES:
            return
        document, vocabulary = build_document(
            values[self.id_index], values[self.title_index] or "", values[self.body_index] or ""
        )
        self.rows.append(self.to_row(document))
        new = vocabulary - self.seen
        if new:
            self.seen |= new
            self.words.extend(new)

    def drain(self) -> tuple[list[tuple], list[str]]:
        rows, words = self.rows, self.words
        self.rows, self.words = [], []
        return rows, words


class IndexWriter:
    """Runs in the importer: writes a batch's index rows and new vocabulary words."""

    def __init__(self) -> None:
        from quaestio.dumps.bulk import BulkWriter

        table, columns, _to_row = engine_rows()
        self.table = table
        self.writer = BulkWriter(table, columns)
        self.words_table = connection.ops.quote_name(SearchWord._meta.db_table)
        self.indexed = 0

    def write(self, batch) -> None:
        """A batch's index rows (as values, or as COPY text with their post ids) and new
        vocabulary words."""
        ids = batch.index_ids or [row[0] for row in batch.index_rows]
        if ids:
            # An index row can outlive its post (a post deleted by raw SQL); the imported one
            # replaces it, as the live site's upsert would.
            from quaestio.search.backends import get_backend

            get_backend().remove(ids)
            copied = batch.copy_index
            if copied:
                self.writer.write(batch.index_rows, copied.data, copied.count)
            else:
                self.writer.write(batch.index_rows)
            self.indexed += len(ids)
        words = batch.index_words
        if words:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"INSERT INTO {self.words_table} (word) SELECT unnest(%s::text[]) "
                        "ON CONFLICT DO NOTHING",
                        [words],
                    )
                else:
                    cursor.executemany(
                        f"INSERT OR IGNORE INTO {self.words_table} (word) VALUES (%s)",
                        [(word,) for word in words],
                    )

    def fill_facts(self, id_range: list[int] | None) -> None:
        """PostgreSQL: the imported documents' question tags and creation dates, which searches
        with [tag] or created: filter on (search/0003). Written once Posts.xml (and with it
        every post's tags) is in, before the search table's indexes are built."""
        if connection.vendor == "postgresql" and self.indexed and id_range:
            from quaestio.search.backends.postgres import fill_facts

            fill_facts(*id_range)

    def finish(self) -> None:
        """SQLite: merge the segments the load wrote, as the live reindex does (PostgreSQL's
        GIN index is one of the plain indexes the importer rebuilds after the load)."""
        if connection.vendor == "sqlite" and self.indexed:
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {self.table} ({self.table}) VALUES ('optimize')")
