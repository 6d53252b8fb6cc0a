"""PostgreSQL: how many documents hold each title word (table `search_titleterm`).

Similar (the ask page, `/2.3/similar`, the duplicate search) reads a title's words rarest
first, and reads a word's documents from GIN whole only when they are few: GIN builds the
whole list of a word's documents before any LIMIT stops it, so a common word ("error",
"python") is read only within the newest ids instead (see PostgresBackend.title_probe_sql).
Which words are rare is what this table says. SQLite's FTS5 needs none: it walks a word's
documents from the newest and stops.

Kept by the engine's writes in the same transaction (upsert, remove, bulk_load,
finish_bulk_load) and rebuilt by `quaestio recount` (RECOUNT). A title word is the stored
lexeme marked with TITLE_MARK (postgres_document), held here without the mark.
"""

from __future__ import annotations

from quaestio.search.backends.postgres_document import TITLE_MARK

TABLE = "search_titleterm"


def _terms_of(documents: str) -> str:
    """SELECT term, n: the title words of the documents (a FROM item giving `document`), and
    how many of them hold each. ts_filter keeps the title's lexemes (weight A) only."""
    return (
        f"SELECT substr(l, {len(TITLE_MARK) + 1}) AS term, COUNT(*) AS n FROM {documents}, "
        "unnest(tsvector_to_array(ts_filter(document, '{a}'))) l "
        f"WHERE l LIKE '{TITLE_MARK}%%' GROUP BY 1"
    )


def add_terms_sql(documents: str, sign: int) -> str:
    """Add (sign 1) or take away (-1) the title words of the documents. Ordered, so two
    writers lock the rows they share in the same order (no deadlock)."""
    return (
        f"INSERT INTO {TABLE} (term, questions) SELECT term, {int(sign)} * n "
        f"FROM ({_terms_of(documents)}) t ORDER BY term "
        f"ON CONFLICT (term) DO UPDATE SET questions = {TABLE}.questions + EXCLUDED.questions"
    )


def count_terms(cursor, post_ids: list[int], sign: int) -> None:
    """Add or take away the title words of these posts' stored documents."""
    if post_ids:
        documents = "(SELECT document FROM search_document WHERE post_id = ANY(%s)) d"
        cursor.execute(add_terms_sql(documents, sign), [list(post_ids)])


# The actual counts, for the recount and after a bulk load: every document's title words.
_ACTUAL = _terms_of("search_document")
RECOUNT = [
    (
        "search title word counts",
        f"INSERT INTO {TABLE} (term, questions) SELECT term, n FROM ({_ACTUAL}) t "
        f"ON CONFLICT (term) DO UPDATE SET questions = EXCLUDED.questions "
        f"WHERE {TABLE}.questions <> EXCLUDED.questions",
    ),
    (
        "search title word counts of words no longer held",
        f"DELETE FROM {TABLE} WHERE term NOT IN (SELECT term FROM ({_ACTUAL}) t)",
    ),
]


def rebuild(cursor) -> None:
    for _name, statement in RECOUNT:
        cursor.execute(statement.replace("%%", "%"))


# Each post GIN finds is then read from the table to recheck its document (about 18 µs each,
# measured), so a word's read is kept to about MATCHES_READ posts: a word held by at most
# that many titles is read whole; a commoner one only among the newest post ids, a span sized
# by how densely the word falls (the kept count per post id) to hold about that many, asked
# of GIN with the documents' id blocks (postgres_document.blocks_covering). Either way the
# cost stays the same at any size of the site.
MATCHES_READ = 200
SMALLEST_SPAN = 1 << 10  # one of the smallest id blocks
WIDEST_SPAN = 1 << 16
# The rarest this many words of a title are read: a title's common words are found in most
# candidates anyway, and add little to their score.
WORDS_READ = 8


def newest_span(titles_holding: int, newest: int) -> tuple[int, int] | None:
    """[low, high) post ids a common word is read within (None: read it whole)."""
    if titles_holding <= MATCHES_READ:
        return None
    span = newest * MATCHES_READ // titles_holding
    span = max(SMALLEST_SPAN, min(WIDEST_SPAN, span))
    return newest + 1 - span, newest + 1


def counts_and_newest(cursor, tokens: list[str]) -> tuple[dict[str, int], int | None]:
    """The title words' document counts, and the highest indexed post id (one query)."""
    cursor.execute(
        f"SELECT term, questions FROM {TABLE} WHERE term = ANY(%s) "
        "UNION ALL SELECT NULL, MAX(post_id) FROM search_document",
        [tokens],
    )
    counts, newest = {}, None
    for term, value in cursor.fetchall():
        if term is None:
            newest = value
        else:
            counts[term] = value
    return counts, newest
