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

from django.db import connection

from quaestio.posts.models import PostType
from quaestio.search.backends import get_backend
from quaestio.search.text import build_document

SEARCHABLE_TYPES = frozenset((int(PostType.QUESTION), int(PostType.ANSWER)))
# Words already handed over, remembered so each goes to the database about once. The set is
# emptied when it reaches this size, so the parsing process's memory stays flat however large
# the dump's vocabulary (Stack Overflow's runs to tens of millions of tokens: numbers,
# identifiers, URLs); a word sent again costs one skipped row (ON CONFLICT DO NOTHING).
# The stem cache of search.text is bounded the same way.
SEEN_WORDS_LIMIT = 200_000


class PostIndexer:
    """Each question's and answer's engine row (the engine's bulk_row), and the words of the
    wildcard vocabulary not handed over before (each word once per import)."""

    def __init__(self, columns: list[str]) -> None:
        self.id_index = columns.index("id")
        self.type_index = columns.index("post_type")
        self.title_index = columns.index("title")
        self.body_index = columns.index("body")
        self.to_row = get_backend().bulk_row
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
        if len(self.seen) >= SEEN_WORDS_LIMIT:
            self.seen = set()
        new = vocabulary - self.seen
        if new:
            self.seen |= new
            self.words.extend(new)

    def drain(self) -> tuple[list[tuple], list[str]]:
        rows, words = self.rows, self.words
        self.rows, self.words = [], []
        return rows, words


class IndexWriter:
    """Runs in the importer: writes a batch's index rows and new vocabulary words through the
    engine's bulk-load contract (quaestio/search/backends/base.py, "Loading in bulk")."""

    def __init__(self) -> None:
        from quaestio.dumps.bulk import BulkWriter

        self.backend = get_backend()
        self.writer = BulkWriter(self.backend.bulk_table, list(self.backend.bulk_columns))
        self.indexed = 0
        self.highest_before = self._highest_entry()

    def _highest_entry(self) -> int | None:
        """The highest post id with an index entry before the import. Only entries up to it
        can be stale ones an imported post replaces: a higher one would belong to a post made
        since, whose id the posts' primary key refuses to the dump anyway. On a fresh site
        there is none, and no batch pays for a DELETE (PostgreSQL: an index probe a post,
        about 2 µs of server time each at 200,000 entries)."""
        id_column = connection.ops.quote_name(self.backend.bulk_columns[0])
        table = connection.ops.quote_name(self.backend.bulk_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({id_column}) FROM {table}")
            return cursor.fetchone()[0]

    def write(self, batch) -> None:
        """A batch's index rows (as values, or as COPY text with their post ids) and new
        vocabulary words."""
        ids = batch.index_ids or [row[0] for row in batch.index_rows]
        if ids:
            # An index row can outlive its post (a post deleted by raw SQL); the imported one
            # replaces it, as the live site's upsert would.
            if self.highest_before is not None:
                self.backend.remove([i for i in ids if i <= self.highest_before])
            copied = batch.copy_index
            if copied:
                self.writer.write(batch.index_rows, copied.data, copied.count)
            else:
                self.writer.write(batch.index_rows)
            self.indexed += len(ids)
        self.backend.remember_words(batch.index_words)

    def finish(self, id_range: list[int] | None) -> None:
        """Complete the imported posts' entries once Posts.xml (and with it every post's tags)
        is in, before the engine table's indexes are built again."""
        if self.indexed and id_range:
            self.backend.finish_bulk_load(*id_range)
