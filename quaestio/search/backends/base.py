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

from quaestio.search.plan import Node
from quaestio.search.text import Document

# The orders a result list can take; ties go to the newer post.
ORDERS = {
    "newest": "p.creation_date DESC, p.id DESC",
    "active": "p.last_activity_date DESC, p.id DESC",
    "votes": "p.score DESC, p.id DESC",
}


@dataclass(frozen=True)
class MatchSource:
    """How an engine joins its matches for one node: FROM/WHERE pieces and its rank order."""

    from_sql: str
    from_params: list
    where_sql: str
    where_params: list
    post_id: str  # the expression naming the matching post's id
    rank_order: str  # ORDER BY fragment, best first


# A floor on post ids: a number, or a scalar subquery (sql, params) computing one.
Floor = int | tuple[str, list] | None


class SearchBackend(ABC):
    vendor: str
    id_column: str  # the engine table's post id column

    # Writing the index ---------------------------------------------------------------------
    @abstractmethod
    def upsert(self, documents: list[Document]) -> None:
        """Add or replace these posts' documents."""

    @abstractmethod
    def remove(self, post_ids: list[int]) -> None:
        """Drop these posts from the index (missing ones are ignored)."""

    @abstractmethod
    def bulk_load(self, batches: Iterable[list[Document]]) -> None:
        """Empty the index and fill it from scratch, as fast as the engine allows."""

    @abstractmethod
    def indexed_count(self) -> int: ...

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

    def engine_floor_sql(self, node: Node, pool: int) -> tuple[str, list]:
        """A scalar subquery: the pool-th newest post id matching node in the engine alone
        (0 when fewer match). For one-query reads (Related) that cannot afford match_floor."""
        sql, params = self.match_ids_sql(node)
        return (
            f"COALESCE(({sql} ORDER BY {self.id_column} DESC LIMIT 1 OFFSET %s), 0)",
            [*params, pool - 1],
        )

    def match_floor(self, node: Node, base: tuple[str, list], pool: int) -> int | None:
        """The id of the pool-th newest (highest id) base post matching node, or None when
        fewer match. A search matching more than `pool` posts ranks and sorts only the newest
        `pool` of them, so its cost stays bounded however common its words are. The engines
        walk their matches newest first, so finding the floor reads about `pool` matches when
        the filters pass most posts, and more only when they are selective."""
        source = self.match_source(node)
        base_sql, base_params = base
        sql = (
            f"SELECT p.id FROM {source.from_sql} JOIN ({base_sql}) p ON p.id = {source.post_id} "
            f"WHERE {source.where_sql} ORDER BY {source.post_id} DESC LIMIT 1 OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*source.from_params, *base_params, *source.where_params, pool - 1])
            row = cursor.fetchone()
        return row[0] if row else None

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

    def ranked_ids(
        self,
        node: Node,
        base: tuple[str, list],
        order: str,
        limit: int,
        offset: int,
        floor: Floor = None,
    ) -> list[int]:
        sql, params = self.ranked_sql(node, base, order, floor=floor)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def count(self, node: Node, base: tuple[str, list], cap: int, floor: Floor = None) -> int:
        """How many base posts match node, counting no further than cap."""
        source = self.match_source(node, floor)
        base_sql, base_params = base
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {source.from_sql} JOIN ({base_sql}) p "
            f"ON p.id = {source.post_id} WHERE {source.where_sql} LIMIT %s) capped"
        )
        with connection.cursor() as cursor:
            params = [*source.from_params, *base_params, *source.where_params, cap]
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
