"""The contract every search engine keeps, and the SQL both share.

Structured filters (score, tags, dates, owner, status...) stay in the ORM on the posts table; the
engine answers only the text part. A text search is one statement: the engine's matches joined
with the ORM's filtered posts, so filters and ranking run together in the database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from quaestio.search.models import SearchWord
from quaestio.search.plan import Node
from quaestio.search.text import Document

WORDS_TABLE = SearchWord._meta.db_table
# The orders a result list can take; ties go to the newer post.
ORDERS = {
    "newest": "p.creation_date DESC, p.id DESC",
    "active": "p.last_activity_date DESC, p.id DESC",
    "votes": "p.score DESC, p.id DESC",
}


@dataclass(frozen=True)
class PoolRow:
    """One matching post with what the result orders need; `rank` is higher for better."""

    id: int
    # SQLite's ISO text, or PostgreSQL's seconds since the epoch: only ever compared.
    creation_date: object
    last_activity_date: object
    score: int
    rank: float


@dataclass(frozen=True)
class MatchSource:
    """How an engine joins its matches for one node: FROM/WHERE pieces and its rank order."""

    from_sql: str
    from_params: list
    where_sql: str
    where_params: list
    post_id: str  # the expression naming the matching post's id
    rank_order: str  # ORDER BY fragment, best first


# Queries (sql, params) of post ids every result of a search is among.
IdSets = tuple[tuple[str, list], ...] | list[tuple[str, list]]
# A floor on post ids: a number, or a scalar subquery (sql, params) computing one.
Floor = int | tuple[str, list] | None


class SearchBackend(ABC):
    vendor: str
    id_column: str  # the engine table's post id column
    # Whether the engine's table knows each post's question tags, creation date and score, so
    # pool_rows can filter its matches by tag_groups, created and scores before reading any
    # post row.
    filters_tags: bool = False

    # Writing the index ---------------------------------------------------------------------
    @abstractmethod
    def upsert(self, documents: list[Document]) -> None:
        """Add or replace these posts' documents."""

    def refresh_scores(self, post_ids: list[int] | None = None) -> None:
        """Bring what the engine keeps of these posts' scores (all, given None) up to date.
        Nothing by default: an engine that keeps none reads scores from the posts table."""
        return None

    @abstractmethod
    def remove(self, post_ids: list[int]) -> None:
        """Drop these posts from the index (missing ones are ignored)."""

    @abstractmethod
    def bulk_load(self, batches: Iterable[list[Document]]) -> None:
        """Empty the index and fill it from scratch, as fast as the engine allows."""

    @abstractmethod
    def indexed_count(self) -> int: ...

    def remember_words(self, words: list[str]) -> None:
        """Add words to the vocabulary wildcards expand from (known ones are skipped)."""
        if words:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {WORDS_TABLE} (word) VALUES (%s) ON CONFLICT DO NOTHING",
                    [(word,) for word in words],
                )

    # Loading in bulk (the dump importer) ------------------------------------------------------
    # The loader builds each post's row with bulk_row (no database needed, so a parsing process
    # can), removes the posts' old entries (remove), writes the rows into bulk_table's
    # bulk_columns as fast as it can (COPY, executemany), all in its own transaction, and calls
    # finish_bulk_load once the loaded posts and their tags are in the posts tables. The table's
    # plain indexes are the loader's to drop and rebuild around the load.
    bulk_table: str
    bulk_columns: tuple[str, ...]

    @staticmethod
    @abstractmethod
    def bulk_row(document: Document) -> tuple:
        """The document as one row of bulk_columns."""

    @abstractmethod
    def finish_bulk_load(self, low: int, high: int) -> None:
        """Complete the entries of posts low..high (ids) written as bulk rows."""

    # Reading it ----------------------------------------------------------------------------
    @abstractmethod
    def match_source(self, node: Node, floor: Floor = None) -> MatchSource:
        """The engine side of a search; with a floor, only posts whose id is at least it."""

    @staticmethod
    def floor_condition(id_expression: str, floor: Floor) -> tuple[str, list]:
        if floor is None:
            return "", []
        if isinstance(floor, tuple):
            return f" AND {id_expression} >= {floor[0]}", list(floor[1])
        return f" AND {id_expression} >= %s", [floor]

    def recount_statements(self) -> list[tuple[str, str]]:
        """(name, statement) pairs `quaestio recount` runs to rebuild what the engine keeps
        (core.counters: each sets what differs and reports the rows it changed)."""
        return []

    # Similar titles ------------------------------------------------------------------------
    @abstractmethod
    def title_probes_sql(
        self, tokens: list[str], per_term: int
    ) -> tuple[dict[str, int] | None, str, list]:
        """Candidates for Similar, a bounded read per title word (`tokens`, stemmed): a SELECT
        of (k, id), k the word's index, for at most `per_term` posts whose title holds it,
        the newest first ("" when no title holds any); and how many titles hold each word
        where the engine keeps that (else None). Never a read of all the posts holding a
        common word."""

    @abstractmethod
    def match_ids_sql(self, node: Node) -> tuple[str, list]:
        """A SELECT of the ids of posts matching node (for IN / NOT IN filters)."""

    def ranked_sql(
        self,
        node: Node,
        base: tuple[str, list],
        order: str,
        columns: str = "p.id",
        floor: Floor = None,
    ) -> tuple[str, list]:
        """SELECT columns of the base posts matching node, in the given order (no LIMIT)."""
        source = self.match_source(node, floor)
        base_sql, base_params = base
        order_sql = ORDERS.get(order) or f"{source.rank_order}, p.id DESC"
        sql = (
            f"SELECT {columns} FROM {source.from_sql} JOIN ({base_sql}) p "
            f"ON p.id = {source.post_id} WHERE {source.where_sql} ORDER BY {order_sql}"
        )
        return sql, [*source.from_params, *base_params, *source.where_params]

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
        """The newest `pool` base posts matching node (highest ids first), with their rank.

        This is the whole engine side of a search page, in one query: the engines walk their
        matches newest first and stop at `pool` posts that pass the filters, so a common word
        costs no more than a rare one; the page is then sorted and sliced from these rows. A
        search matching more than `pool` posts is thus answered from its newest `pool`.
        `id_sets` are id queries every result is among (implied by base): the engine tests its
        matches against them before reading any post row. `tag_groups` (only given to an engine
        that filters_tags) are groups of tag ids every result's question carries one of;
        `created` [start, end) intervals every result's creation date is within, `scores`
        [low, high] ranges (None open) every result's score is within (likewise).
        Without `ranked` (a sort that ignores relevance) every rank may be 0.0: ranking reads
        each pooled post's document, work that only the relevance order needs.
        """
        sql, params = self.pool_sql(node, base, pool, id_sets=id_sets, ranked=ranked)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [PoolRow(*row) for row in cursor.fetchall()]

    @abstractmethod
    def pool_sql(
        self,
        node: Node,
        base: tuple[str, list],
        pool: int,
        id_sets: IdSets = (),
        ranked: bool = True,
    ) -> tuple[str, list]:
        """SELECT id, creation_date, last_activity_date, score, rank (see pool_rows)."""

    def _pool_join(
        self,
        node: Node,
        base: tuple[str, list],
        pool: int,
        columns: str,
        floor: Floor = None,
        ceiling: int | None = None,
        id_sets: IdSets = (),
        order: str | None = None,
        source: MatchSource | None = None,
    ) -> tuple[str, list]:
        """The pool query; `order` is the expression to sort by (the engine's post id); an
        engine with its own match conditions passes its `source`."""
        # Only an engine that slices by id passes a ceiling (see PostgresBackend.pool_rows).
        if source is None:
            source = (
                self.match_source(node, floor, ceiling)
                if ceiling is not None
                else self.match_source(node, floor)
            )
        base_sql, base_params = base
        where_sql, where_params = source.where_sql, list(source.where_params)
        for id_sql, id_params in id_sets:
            # Unary + keeps SQLite from handing the set to FTS5 as rowid lookups.
            where_sql += f" AND +{source.post_id} IN ({id_sql})"
            where_params += id_params
        sql = (
            f"SELECT {columns} FROM {source.from_sql} JOIN ({base_sql}) p "
            f"ON p.id = {source.post_id} WHERE {where_sql} "
            f"ORDER BY {order or source.post_id} DESC LIMIT %s"
        )
        return sql, [*source.from_params, *base_params, *where_params, pool]
