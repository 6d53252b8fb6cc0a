"""PostgreSQL full text: table `search_document` (post id, tsvector) with a GIN index.

The documents are our own tokens, positions and weights (A title, B body, C code, D url),
written by postgres_document.py; here the engine's table, its indexes and its queries.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from quaestio.search.backends import postgres_titles
from quaestio.search.backends.base import (
    WORDS_TABLE,
    Floor,
    IdSets,
    MatchSource,
    PoolRow,
    SearchBackend,
)
from quaestio.search.backends.postgres_document import (
    TITLE_MARK,
    WEIGHTS,
    blocks_covering,
    pair_hash,
    pair_hashes,
    pairs_literal,
    quoted_lexeme,
    tsvector_literal,
)
from quaestio.search.backends.postgres_facts import (
    ALL_SCORE_LEXEMES_SQL,
    date_query,
    fact_lexemes,
    facts_tsvector_sql,
    score_lexemes_sql,
    score_query,
    stored_score_lexemes_sql,
)
from quaestio.search.plan import COLUMNS, All, Excluding, Node, Phrase, Prefix
from quaestio.search.text import Document

TABLE = "search_document"
# Pair hashes met by bulk loads in this process (bulk_row, bulk_load), bounded: see
# postgres_document.BULK_PAIRS_LIMIT. The live site's upserts hash their few pairs afresh.
_BULK_PAIRS: dict[tuple[str, str], int] = {}
INDEX = "search_document_gin"
TAGS_INDEX = "search_document_tags"
# The table itself is made by migrations 0002 and 0003; bulk_load drops and rebuilds the indexes.
CREATE_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (document)"
CREATE_TAGS_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {TAGS_INDEX} ON {TABLE} USING gin (tag_ids)"
CREATED_INDEX = "search_document_created"
CREATE_CREATED_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {CREATED_INDEX} ON {TABLE} (creation_date)"
# tag_ids: the tags of the post's question (its own for a question), sorted. A search with a
# [tag] and words then intersects two GIN bitmaps (the word's and the tag's) and reads only the
# posts in both: building the tag's set of questions and answers from the posts table cost
# 60-150 ms at 1,000,000 posts, and testing each of its posts' documents for the word more.
# Kept by upsert (a question's edit refreshes its answers too) and bulk_load. creation_date,
# the post's (never changed by an edit), likewise lets an open `created:` interval (2020..)
# narrow the engine's matches: with its btree, a bitmap of the interval joins the word's and
# the slice's. A bounded one, and `score:`, are lexemes of the document (postgres_facts).
QUESTION_TAGS_SQL = (
    "COALESCE((SELECT array_agg(t.tag_id ORDER BY t.tag_id)::integer[] FROM tags_posttag t "
    "WHERE t.post_id = COALESCE(p.parent_id, p.id)), '{}')"
)
# ts_rank's weights are given for D, C, B, A: the title counts most, as with bm25 on SQLite.
RANK = "ts_rank('{0.05, 0.1, 0.1, 1.0}', d.document, q)"
# pairs: the buckets of every two adjacent tokens of a field, GIN-indexed (migration 0004). A
# phrase of common words ("first rather") had every post holding both words re-read for
# positions: 18,000 documents at 1,000,000 posts for a dozen matches. The posts holding each of
# the phrase's adjacent pairs are few, and only they are tested against the tsquery (which still
# decides: a bucket shared with other pairs only adds candidates).
PAIRS_INDEX = "search_document_pairs"
CREATE_PAIRS_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {PAIRS_INDEX} ON {TABLE} USING gin (pairs)"


def required_pairs(node: Node) -> list[int]:
    """Pair hashes every post matching node holds: those of its phrases that must match."""
    if isinstance(node, Phrase):
        return [pair_hash(a, b) for a, b in zip(node.tokens, node.tokens[1:], strict=False)]
    if isinstance(node, Excluding):
        return required_pairs(node.include)
    if isinstance(node, All):
        return sorted({h for part in node.parts for h in required_pairs(part)})
    return []  # a Prefix, or an Either whose options need not share a pair


def _weights(columns: tuple[str, ...]) -> str:
    # All columns: no weight restriction, which GIN can answer without a recheck.
    return "" if columns == COLUMNS else "".join(WEIGHTS[c] for c in columns)


def tsquery(node: Node) -> str:
    """The tsquery text of a node (never called for an empty Either)."""
    if isinstance(node, Phrase):
        if node.columns == ("title",):
            return "(" + " <-> ".join(quoted_lexeme(TITLE_MARK + t) for t in node.tokens) + ")"
        weights = _weights(node.columns)
        parts = [quoted_lexeme(token) + (f":{weights}" if weights else "") for token in node.tokens]
        return "(" + " <-> ".join(parts) + ")"
    if isinstance(node, Prefix):
        if node.columns == ("title",):
            return f"{quoted_lexeme(TITLE_MARK + node.prefix)}:*"
        return f"{quoted_lexeme(node.prefix)}:*{_weights(node.columns)}"
    if isinstance(node, Excluding):
        return f"({tsquery(node.include)} & !{tsquery(node.exclude)})"
    if isinstance(node, All):
        return "(" + " & ".join(tsquery(part) for part in node.parts) + ")"
    return "(" + " | ".join(tsquery(option) for option in node.options) + ")"


# A pool row's columns. The dates only order the pool, so they come as seconds since the epoch
# (float8, exact to the microsecond for these years): Django's Python loader of timestamptz
# cost 4-7 ms a search for the 1,000 dates of a pool of 500.
POOL_COLUMNS = (
    "p.id, EXTRACT(EPOCH FROM p.creation_date)::float8 AS creation_date, "
    "EXTRACT(EPOCH FROM p.last_activity_date)::float8 AS last_activity_date, p.score"
)


# A slice of at most this many ids is asked of GIN by its id blocks (see match_source).
BLOCKS_AT_MOST = 1 << 16


# Newest post ids a text search looks at first (see PostgresBackend.pool_rows), and the most
# slices it reads (the last without a floor).
FIRST_WINDOW = 10_000
MAX_SLICES = 4
# How many times the ids the rows per id found so far say the rest of the pool needs a sized
# slice spans. Every match in a slice costs a document and a post lookup, so a selective filter
# (`created:2020 word`) paid for twice what it kept at 2; a slice that falls short is followed
# by another sized one (MAX_SLICES 4), cheap as it is sized for the few rows still missing.
SLICE_MARGIN = 1.4


def fill_facts(low: int, high: int) -> None:
    """Set the question tags, creation date and fact lexemes (postgres_facts) of the documents
    of posts low..high, in one set-based statement: for a bulk load (the dump importer) that
    wrote documents without them, while the tables' secondary indexes are still dropped (no
    correlated lookups, no GIN upkeep). The values are those upsert and bulk_load write."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} d SET creation_date = p.creation_date, tag_ids = COALESCE(t.ids, '{{}}'), "
            f"document = ts_delete(d.document, {ALL_SCORE_LEXEMES_SQL}) || "
            f"{facts_tsvector_sql('p.creation_date', 'p.score')} "
            "FROM posts_post p LEFT JOIN ("
            "  SELECT post_id, array_agg(tag_id ORDER BY tag_id)::integer[] AS ids"
            "  FROM tags_posttag GROUP BY post_id"
            ") t ON t.post_id = COALESCE(p.parent_id, p.id) "
            "WHERE p.id = d.post_id AND d.post_id BETWEEN %s AND %s",
            [low, high],
        )


def refresh_scores(post_ids: list[int] | None = None) -> int:
    """Bring the score lexemes of these posts' documents (every document, given None) up to
    their posts' scores; returns how many documents changed. A document already right is not
    written: most votes cross no step, and a rewritten document re-enters every GIN index.

    The posts' rows are read FOR SHARE: a vote committing meanwhile waits, and its own refresh,
    queued after its commit, then reads its score. Without the lock, two refreshes racing could
    leave the older score's lexemes last."""
    # Not for every post (`quaestio recount`): a lock on each would write to every row.
    only = "" if post_ids is None else "AND p.id = ANY(%s) FOR SHARE"
    expected = score_lexemes_sql("p.score")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH p AS (SELECT p.id, p.score FROM posts_post p WHERE TRUE {only}) "
            f"UPDATE {TABLE} d SET document = ts_delete(d.document, {ALL_SCORE_LEXEMES_SQL}) "
            f"|| array_to_tsvector({expected}) FROM p WHERE p.id = d.post_id "
            f"AND {stored_score_lexemes_sql('d.document')} IS DISTINCT FROM {expected}",
            [] if post_ids is None else [list(post_ids)],
        )
        return cursor.rowcount


def _newest_id(cursor) -> int | None:
    """The highest indexed post id (the primary key's last entry): the first slice ends there,
    so that GIN can be asked for its id blocks. A post indexed after this read is missed as
    it would be by a search started a moment earlier."""
    cursor.execute(f"SELECT MAX(post_id) FROM {TABLE}")
    return cursor.fetchone()[0]


def _facts_of(cursor, post_ids: list[int]) -> dict[int, tuple[list[int], object, list[str]]]:
    """(tag_ids, creation_date, fact lexemes) of these posts: their question's tags, their
    creation date, the lexemes of that date and of their score (postgres_facts)."""
    cursor.execute(
        f"SELECT p.id, {QUESTION_TAGS_SQL}, p.creation_date, p.score "
        "FROM posts_post p WHERE p.id = ANY(%s)",
        [post_ids],
    )
    return {
        post_id: (tags, created, fact_lexemes(created, score))
        for post_id, tags, created, score in cursor.fetchall()
    }


NO_FACTS = ([], None, [])


def _fact_queries(created, scores, narrow: bool) -> tuple[list[str], str, list]:
    """The tsquery texts of the created: and score: filters the fact lexemes answer, and the
    conditions on the creation_date column for the intervals they do not (open ones)."""
    queries = [q for q in (score_query(low, high) for low, high in scores) if q]
    # In a narrow slice the words' few matches are tested for their date one by one: the
    # btree's bitmap of a year (100,000 posts at 1,000,000) cost 15-18 ms to build for a
    # slice whose words matched 260 posts. A wide slice may use it.
    date = "(d.creation_date + interval '0 days')" if narrow else "d.creation_date"
    extra, params = "", []
    for start, end in created:
        covered = date_query(start, end)
        if covered:
            queries.append(covered)
            continue
        if start is not None:
            extra, params = f"{extra} AND {date} >= %s", [*params, start]
        if end is not None:
            extra, params = f"{extra} AND {date} < %s", [*params, end]
    return queries, extra, params


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    id_column = "post_id"
    filters_tags = True
    # Without the question tags, creation date and fact lexemes: finish_bulk_load sets them for
    # every loaded post in one statement, once the posts' tags are in.
    bulk_table = TABLE
    bulk_columns = ("post_id", "document", "pairs")

    @staticmethod
    def bulk_row(document: Document) -> tuple:
        # The pairs as array text ("{1,2,3}"): handed over as a list, psycopg's array dumper
        # (pure Python) formatted every element, about 2 s of an import's CPU a million rows.
        return (
            document.post_id,
            tsvector_literal(document),
            pairs_literal(pair_hashes(document, _BULK_PAIRS)),
        )

    def finish_bulk_load(self, low: int, high: int) -> None:
        fill_facts(low, high)
        # Counted whole: the loaded range may hold posts the site had already.
        with connection.cursor() as cursor:
            postgres_titles.rebuild(cursor)

    def remember_words(self, words: list[str]) -> None:
        # One statement for the lot: a row per statement cost a round trip a word.
        if words:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {WORDS_TABLE} (word) SELECT unnest(%s::text[]) "
                    "ON CONFLICT DO NOTHING",
                    [list(words)],
                )

    def upsert(self, documents: list[Document]) -> None:
        if not documents:
            return
        ids = [d.post_id for d in documents]
        with connection.cursor() as cursor:
            facts = _facts_of(cursor, ids)
            postgres_titles.count_terms(cursor, ids, -1)  # the replaced documents' titles
            cursor.executemany(
                f"INSERT INTO {TABLE} (post_id, document, pairs, tag_ids, creation_date) "
                "VALUES (%s, %s::tsvector, %s::integer[], %s::integer[], %s) "
                "ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document, "
                "pairs = EXCLUDED.pairs, tag_ids = EXCLUDED.tag_ids, "
                "creation_date = EXCLUDED.creation_date",
                [self._upsert_row(d, *facts.get(d.post_id, NO_FACTS)) for d in documents],
            )
            postgres_titles.count_terms(cursor, ids, 1)
            # An edited question may have been retagged: its answers search under its tags.
            cursor.execute(
                f"UPDATE {TABLE} d SET tag_ids = {QUESTION_TAGS_SQL} FROM posts_post p "
                f"WHERE p.parent_id = ANY(%s) AND d.post_id = p.id "
                f"AND d.tag_ids IS DISTINCT FROM {QUESTION_TAGS_SQL}",
                [ids],
            )

    @staticmethod
    def _upsert_row(document: Document, tags: list[int], created, lexemes: list[str]) -> tuple:
        return (
            document.post_id,
            tsvector_literal(document, lexemes),
            pair_hashes(document),
            tags,
            created,
        )

    def refresh_scores(self, post_ids: list[int] | None = None) -> None:
        refresh_scores(post_ids)

    def remove(self, post_ids: list[int]) -> None:
        if post_ids:
            with connection.cursor() as cursor:
                postgres_titles.count_terms(cursor, list(post_ids), -1)
                cursor.execute(f"DELETE FROM {TABLE} WHERE post_id = ANY(%s)", [list(post_ids)])

    def bulk_load(self, batches: Iterable[list[Document]]) -> None:
        """TRUNCATE, COPY every document, then build the GIN index once (far faster than
        updating it row by row)."""
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {TAGS_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {CREATED_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {PAIRS_INDEX}")
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            # One COPY per batch: the next batch (and its tags) is read from the posts tables
            # between them, which a connection cannot do while a COPY is open.
            for batch in batches:
                facts = _facts_of(cursor, [d.post_id for d in batch])
                columns = "post_id, document, pairs, tag_ids, creation_date"
                with raw.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
                    for document in batch:
                        tags, created, lexemes = facts.get(document.post_id, NO_FACTS)
                        copy.write_row(
                            (
                                document.post_id,
                                tsvector_literal(document, lexemes),
                                pairs_literal(pair_hashes(document, _BULK_PAIRS)),
                                "{" + ",".join(map(str, tags)) + "}",
                                created,
                            )
                        )
            # GIN builds in memory and merges far less with room to do it (default 64 MB);
            # SET LOCAL lasts until reindex_all's transaction ends.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(CREATE_INDEX_SQL)
            cursor.execute(CREATE_TAGS_INDEX_SQL)
            cursor.execute(CREATE_CREATED_INDEX_SQL)
            cursor.execute(CREATE_PAIRS_INDEX_SQL)
            cursor.execute(f"ANALYZE {TABLE}")
            postgres_titles.rebuild(cursor)

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def match_source(
        self,
        node: Node,
        floor: Floor = None,
        ceiling: int | None = None,
        tag_groups: tuple[tuple[int, ...], ...] = (),
        created: tuple[tuple[object, object], ...] = (),
        scores: tuple[tuple[int | None, int | None], ...] = (),
    ) -> MatchSource:
        # A narrow slice (see pool_rows) is asked of GIN by its id blocks, and its bounds are
        # tested on each of its few matches, never through the primary key: as a bitmap, even
        # 10,000 ids cost more than the blocks. The unbounded last slice's ceiling likewise (its
        # range is most of the table). A wide slice is left to the planner, as before the
        # blocks: GIN walking a quarter of the table's blocks, or every match of the words past
        # the blocks outside the slice, cost more than a primary-key bitmap of the slice
        # (`topics score:3..` 88 ms at p50 with the bitmap, 106-110 without).
        narrow = isinstance(floor, int) and ceiling is not None
        narrow = narrow and ceiling - floor <= BLOCKS_AT_MOST
        indexed = ceiling is None or not (narrow or floor is None)
        id_expression = "d.post_id" if indexed else "(d.post_id + 0)"
        extra, params = self.floor_condition(id_expression, floor)
        if ceiling is not None:
            extra, params = f"{extra} AND {id_expression} < %s", [*params, ceiling]
        for group in tag_groups:
            extra, params = f"{extra} AND d.tag_ids && %s::integer[]", [*params, list(group)]
        fact_queries, dates, date_params = _fact_queries(created, scores, narrow)
        extra, params = extra + dates, [*params, *date_params]
        pairs = required_pairs(node)
        if pairs:
            extra += " AND d.pairs @> %s::integer[]"
            params = [*params, pairs_literal(pairs)]
        where = f"d.document @@ q{extra}"
        if narrow:
            fact_queries.append(
                "(" + " | ".join(map(quoted_lexeme, blocks_covering(floor, ceiling))) + ")"
            )
        if fact_queries:
            # The words and the facts in one tsquery: GIN intersects them itself. The rank's
            # tsquery (q) stays the words alone.
            where = f"d.document @@ CAST(%s AS tsquery){extra}"
            params = [" & ".join([tsquery(node), *fact_queries]), *params]
        return MatchSource(
            from_sql=f"{TABLE} d CROSS JOIN CAST(%s AS tsquery) q",
            from_params=[tsquery(node)],
            where_sql=where,
            where_params=params,
            post_id="d.post_id",
            rank_order=f"{RANK} DESC",
        )

    def pool_rows(
        self,
        node: Node,
        base: tuple[str, list],
        pool: int,
        id_sets: IdSets = (),
        tag_groups: tuple[tuple[int, ...], ...] = (),
        created: tuple[tuple[object, object], ...] = (),
        ranked: bool = True,
        scores: tuple[tuple[int | None, int | None], ...] = (),
    ) -> list[PoolRow]:
        """As the contract says, looked for in slices of post ids, newest slice first.

        GIN finds a word's documents in no order, and walking the table newest first checks
        every document on the way: the first costs time in proportion to the word's matches,
        the second to its rarity. Within a slice of ids, GIN and the primary key together read
        only that slice's matches. Slices are disjoint and taken from the newest down, so the
        rows found, once `pool` of them, are the newest `pool` of all: the unbounded answer.
        The first slice is the newest FIRST_WINDOW ids; the next is sized by how many posts
        per id the first yielded; the last has no floor. The slices find the pool without
        ranking it; its ranks are read once, at the end, and only when `ranked`.
        """
        # Only a wide slice needs enable_indexscan = off (see _bounded_slice); set for every
        # search, it cost four more round trips (2-5 ms each on a loaded machine).
        #
        # A small tag's set of posts (id_sets) bounds the search already, and PostgreSQL joins
        # the base's own copy of it: building it again per slice, or twice, only costs. Such a
        # search is one unsliced query.
        slices = 1 if id_sets else MAX_SLICES
        with connection.cursor() as cursor:
            top = _newest_id(cursor)
            engine = (tag_groups, created, scores)
            rows = self._sliced_pool(cursor, top, node, base, pool, slices, engine)
            if ranked and rows:
                rows = self._ranked(cursor, node, rows)
        return rows

    def _ranked(self, cursor, node: Node, rows: list[PoolRow]) -> list[PoolRow]:
        """The rows with their ts_rank, from one read of the pool's documents."""
        cursor.execute(
            f"SELECT d.post_id, {RANK} FROM {TABLE} d CROSS JOIN CAST(%s AS tsquery) q "
            "WHERE d.post_id = ANY(%s)",
            [tsquery(node), [row.id for row in rows]],
        )
        ranks = dict(cursor.fetchall())
        return [
            PoolRow(row.id, row.creation_date, row.last_activity_date, row.score, ranks[row.id])
            for row in rows
        ]

    def _sliced_pool(self, cursor, top, node, base, pool, slices, engine) -> list[PoolRow]:
        """`engine`: (tag_groups, created, scores), the filters the engine table answers itself."""
        rows: list[PoolRow] = []
        ceiling = None if top is None else top + 1  # exclusive
        floor = None if top is None else top - FIRST_WINDOW
        for attempt in range(slices):
            if floor is not None and (floor <= 0 or attempt == slices - 1):
                floor = None
            if floor is None:
                sql, params = self.pool_sql(
                    node, base, pool - len(rows), floor, ceiling, engine=engine, ranked=False
                )
                cursor.execute(sql, params)
                rows += [PoolRow(*row) for row in cursor.fetchall()]
            else:
                rows += self._bounded_slice(
                    cursor, node, base, pool - len(rows), floor, ceiling, engine
                )
            if len(rows) >= pool or floor is None:
                break
            covered = top - floor
            # SLICE_MARGIN times the ids the rows per id found so far say the rest needs.
            wanted = int((pool - len(rows)) * covered * SLICE_MARGIN / len(rows)) if rows else None
            ceiling, floor = floor, None if wanted is None else floor - wanted
        return rows

    def _bounded_slice(self, cursor, node, base, pool, floor, ceiling, engine) -> list[PoolRow]:
        """One bounded slice in two statements: the slice's matches from the engine table
        alone (GIN and its id blocks), then the posts among them, looked up with plain and
        index-only scans. In one statement every post lookup had been a bitmap scan, and
        the covering index on the posts' search facts went unused: a bitmap lookup per match
        cost 3-6 times an index-only one (`created:2020 word`: 14,600 matches, 250 ms)."""
        source = self.match_source(node, floor, ceiling, *engine)
        sql = f"SELECT d.post_id FROM {source.from_sql} WHERE {source.where_sql}"
        params = [*source.from_params, *source.where_params]
        if ceiling - floor <= BLOCKS_AT_MOST:
            cursor.execute(sql, params)
        else:
            # A wide slice's bounds are the primary key's to use, as a bitmap only: walking
            # its range, PostgreSQL tested every document on the way (500 ms for a slice of
            # 337,000 ids where GIN and a bitmap read its 4,700 matches). SET LOCAL in its own
            # (sub)transaction: a failure rolls the setting back too.
            with transaction.atomic():
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        base_sql, base_params = base
        # Ordered by the bare id: btree walks the sorted ids newest first, index-only through
        # the covering index of the posts' search facts, and stops once `pool` pass the
        # filters (`topics score:3..`: 720 of a slice's 4,700 matches read, not all of them).
        inner = (
            f"SELECT {POOL_COLUMNS} "
            f"FROM ({base_sql}) p WHERE p.id = ANY(%s) ORDER BY p.id DESC LIMIT %s"
        )
        cursor.execute(inner, [*base_params, ids, pool])
        return [PoolRow(*row, 0.0) for row in cursor.fetchall()]

    def pool_sql(
        self,
        node: Node,
        base: tuple[str, list],
        pool: int,
        floor: int | None = None,
        ceiling: int | None = None,
        id_sets: IdSets = (),
        engine: tuple = ((), (), ()),
        ranked: bool = True,
    ) -> tuple[str, list]:
        """Without `ranked`, every row's rank is 0.0 (the slices rank the pool at the end)."""
        # Ranked outside the LIMIT so ts_rank reads only the pool's documents, fetched again
        # by id: carried through the sort, every match's document made it spill to disk.
        inner, params = self._pool_join(
            node,
            base,
            pool,
            f"{POOL_COLUMNS}, q",
            floor,
            ceiling,
            id_sets,
            # Not the bare column: ordered by it, PostgreSQL may walk the primary key newest
            # first, testing each document until `pool` match. It does so when it thinks a word
            # common; a word missing from its statistics it thinks fairly common, and a rare
            # one then reads the whole table (1.5 s at 1,000,000 posts). Sorting an expression,
            # it takes the slice's matches from GIN and sorts those: time in proportion to the
            # matches, which the slices keep few.
            "(d.post_id + 0)",
            self.match_source(node, floor, ceiling, *engine),
        )
        if not ranked:
            return (
                "SELECT pool.id, pool.creation_date, pool.last_activity_date, pool.score, 0.0 "
                f"FROM ({inner}) pool"
            ), params
        rank = RANK.replace("d.document", "ranked.document").replace(", q)", ", pool.q)")
        sql = (
            "SELECT pool.id, pool.creation_date, pool.last_activity_date, pool.score, "
            f"{rank} FROM ({inner}) pool JOIN {TABLE} ranked ON ranked.post_id = pool.id"
        )
        return sql, params

    def match_ids_sql(self, node: Node) -> tuple[str, list]:
        return f"SELECT post_id FROM {TABLE} WHERE document @@ CAST(%s AS tsquery)", [tsquery(node)]

    def recount_statements(self) -> list[tuple[str, str]]:
        return list(postgres_titles.RECOUNT)

    def title_probes_sql(
        self, tokens: list[str], per_term: int
    ) -> tuple[dict[str, int] | None, str, list]:
        # GIN reads a word's whole list of documents before any LIMIT: a rare word (the kept
        # counts say which) is read whole, a common one only among the newest post ids.
        with connection.cursor() as cursor:
            counts, newest = postgres_titles.counts_and_newest(cursor, tokens)
        parts, params = [], []
        held = [(k, token) for k, token in enumerate(tokens) if counts.get(token)]
        held.sort(key=lambda pair: counts[pair[1]])  # the rarest first
        for k, token in held[: postgres_titles.WORDS_READ]:
            query = quoted_lexeme(TITLE_MARK + token)
            span = postgres_titles.newest_span(counts[token], newest or 0)
            if span is not None:
                blocks = blocks_covering(*span)
                query += " & (" + " | ".join(map(quoted_lexeme, blocks)) + ")"
            # post_id + 0: sorted after GIN's read, never walked along the primary key
            # testing each document (see pool_sql).
            parts.append(
                f"(SELECT {k} AS k, post_id AS id FROM {TABLE} "
                "WHERE document @@ CAST(%s AS tsquery) ORDER BY post_id + 0 DESC LIMIT %s)"
            )
            params += [query, per_term]
        if not parts:
            return counts, "", []
        return counts, " UNION ALL ".join(parts), params
