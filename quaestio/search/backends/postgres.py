"""PostgreSQL full text: table `search_document` (post id, tsvector) with a GIN index.

We write the tsvector as a literal with our own tokens, positions and weights (A title, B body,
C code, D url) instead of running to_tsvector, so PostgreSQL's parser, stemmer and stop words
never differ from SQLite's results. Fields are spaced apart in position so no phrase spans two.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from quaestio.search.backends.base import Floor, MatchSource, SearchBackend
from quaestio.search.plan import COLUMNS, All, Excluding, Node, Phrase, Prefix
from quaestio.search.text import SEPARATOR, Document

TABLE = "search_document"
INDEX = "search_document_gin"
# The table itself is made by migration 0002; bulk_load drops and rebuilds the index.
CREATE_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (document)"
WEIGHTS = {"title": "A", "body": "B", "code": "C", "url": "D"}
# ts_rank's weights are given for D, C, B, A: the title counts most, as with bm25 on SQLite.
RANK = "ts_rank('{0.05, 0.1, 0.1, 1.0}', d.document, q)"
MAX_POSITION = 16383  # PostgreSQL's limit; later words share the last position
MAX_POSITIONS_PER_WORD = 256  # PostgreSQL keeps no more
FIELD_GAP = 10
# Title words are stored twice: as themselves (weight A, for ranking and any-field matches) and
# marked with this prefix. GIN indexes lexemes but not weights, so `'word':A` would re-read every
# document holding the word anywhere; the marked lexeme answers a title search from the index
# alone. Our tokens are letters and digits only, so no query word can collide with it.
TITLE_MARK = "§"


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(document: Document) -> str:
    positions: dict[str, list[str]] = {}
    position = 1
    for name, tokens in (
        ("title", document.title),
        ("body", document.body),
        ("code", document.code),
        ("url", document.url),
    ):
        weight = WEIGHTS[name]
        for token in tokens:
            if token != SEPARATOR:
                lexemes = (token, TITLE_MARK + token) if name == "title" else (token,)
                for lexeme in lexemes:
                    found = positions.setdefault(lexeme, [])
                    if len(found) < MAX_POSITIONS_PER_WORD:
                        found.append(f"{min(position, MAX_POSITION)}{weight}")
            position += 1
        position += FIELD_GAP
    return " ".join(f"{_lexeme(token)}:{','.join(p)}" for token, p in positions.items())


def _weights(columns: tuple[str, ...]) -> str:
    # All columns: no weight restriction, which GIN can answer without a recheck.
    return "" if columns == COLUMNS else "".join(WEIGHTS[c] for c in columns)


def tsquery(node: Node) -> str:
    """The tsquery text of a node (never called for an empty Either)."""
    if isinstance(node, Phrase):
        if node.columns == ("title",):
            return "(" + " <-> ".join(_lexeme(TITLE_MARK + t) for t in node.tokens) + ")"
        weights = _weights(node.columns)
        parts = [_lexeme(token) + (f":{weights}" if weights else "") for token in node.tokens]
        return "(" + " <-> ".join(parts) + ")"
    if isinstance(node, Prefix):
        if node.columns == ("title",):
            return f"{_lexeme(TITLE_MARK + node.prefix)}:*"
        return f"{_lexeme(node.prefix)}:*{_weights(node.columns)}"
    if isinstance(node, Excluding):
        return f"({tsquery(node.include)} & !{tsquery(node.exclude)})"
    if isinstance(node, All):
        return "(" + " & ".join(tsquery(part) for part in node.parts) + ")"
    return "(" + " | ".join(tsquery(option) for option in node.options) + ")"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    id_column = "post_id"

    def upsert(self, documents: list[Document]) -> None:
        if not documents:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (post_id, document) VALUES (%s, %s::tsvector) "
                "ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document",
                [(d.post_id, tsvector_literal(d)) for d in documents],
            )

    def remove(self, post_ids: list[int]) -> None:
        if post_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE post_id = ANY(%s)", [list(post_ids)])

    def bulk_load(self, batches: Iterable[list[Document]]) -> None:
        """TRUNCATE, COPY every document, then build the GIN index once (far faster than
        updating it row by row)."""
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            # One COPY per batch: the next batch is read from the posts table between them,
            # which a connection cannot do while a COPY is open.
            for batch in batches:
                with raw.copy(f"COPY {TABLE} (post_id, document) FROM STDIN") as copy:
                    for document in batch:
                        copy.write_row((document.post_id, tsvector_literal(document)))
            # GIN builds in memory and merges far less with room to do it (default 64 MB);
            # SET LOCAL lasts until reindex_all's transaction ends.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(CREATE_INDEX_SQL)
            cursor.execute(f"ANALYZE {TABLE}")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def match_source(self, node: Node, floor: Floor = None) -> MatchSource:
        extra, params = self.floor_condition("d.post_id", floor)
        where = f"d.document @@ q{extra}"
        return MatchSource(
            from_sql=f"{TABLE} d CROSS JOIN CAST(%s AS tsquery) q",
            from_params=[tsquery(node)],
            where_sql=where,
            where_params=params,
            post_id="d.post_id",
            rank_order=f"{RANK} DESC",
        )

    def pool_sql(self, node: Node, base: tuple[str, list], pool: int) -> tuple[str, list]:
        # Ranked outside the LIMIT so ts_rank reads only the pool's documents.
        inner, params = self._pool_join(
            node,
            base,
            pool,
            "p.id, p.creation_date, p.last_activity_date, p.score, d.document, q",
        )
        rank = RANK.replace("d.document", "pool.document").replace(", q)", ", pool.q)")
        sql = (
            "SELECT pool.id, pool.creation_date, pool.last_activity_date, pool.score, "
            f"{rank} FROM ({inner}) pool"
        )
        return sql, params

    def match_ids_sql(self, node: Node) -> tuple[str, list]:
        return f"SELECT post_id FROM {TABLE} WHERE document @@ CAST(%s AS tsquery)", [tsquery(node)]
