"""SQLite FTS5: the embedded engine, a virtual table `search_fts` made by migration 0002.

Columns title, body, code, url hold our tokens separated by spaces; the `ascii` tokenizer keeps
each of them whole (non-ASCII characters are token characters to it), so FTS5 matches exactly
the tokens quaestio.search.text produced. Ranking is FTS5's bm25 with the title weighted most.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from quaestio.search.backends.base import Floor, IdSets, MatchSource, SearchBackend
from quaestio.search.plan import COLUMNS, All, Excluding, Node, Phrase, Prefix
from quaestio.search.text import Document

TABLE = "search_fts"
# bm25 weights per column, in column order: a title hit counts ten body hits.
RANK = f"bm25({TABLE}, 10.0, 1.0, 1.0, 0.5)"


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _columns(columns: tuple[str, ...]) -> str:
    if columns == COLUMNS:
        return ""
    return "{" + " ".join(columns) + "} : "


def fts_expression(node: Node) -> str:
    """The FTS5 MATCH expression of a node (never called for an empty Either)."""
    if isinstance(node, Phrase):
        return f"{_columns(node.columns)}{_quoted(' '.join(node.tokens))}"
    if isinstance(node, Prefix):
        return f"{_columns(node.columns)}{_quoted(node.prefix)} *"
    if isinstance(node, Excluding):
        return f"({fts_expression(node.include)} NOT {fts_expression(node.exclude)})"
    if isinstance(node, All):
        return "(" + " AND ".join(fts_expression(part) for part in node.parts) + ")"
    return "(" + " OR ".join(fts_expression(option) for option in node.options) + ")"


class SqliteFtsBackend(SearchBackend):
    vendor = "sqlite"
    id_column = "rowid"
    bulk_table = TABLE
    bulk_columns = ("rowid", "title", "body", "code", "url")

    @staticmethod
    def bulk_row(document: Document) -> tuple:
        return (
            document.post_id,
            " ".join(document.title),
            " ".join(document.body),
            " ".join(document.code),
            " ".join(document.url),
        )

    def finish_bulk_load(self, low: int, high: int) -> None:
        self._optimize()

    def _optimize(self) -> None:
        # Merge the segments a load wrote so queries read one b-tree per term.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")

    def upsert(self, documents: list[Document]) -> None:
        if not documents:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [d.post_id for d in documents])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, title, body, code, url) VALUES (%s, %s, %s, %s, %s)",
                [self.bulk_row(d) for d in documents],
            )

    def _delete(self, cursor, post_ids: list[int]) -> None:
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)

    def remove(self, post_ids: list[int]) -> None:
        if post_ids:
            with connection.cursor() as cursor:
                self._delete(cursor, list(post_ids))

    def bulk_load(self, batches: Iterable[list[Document]]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            for batch in batches:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (rowid, title, body, code, url) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [self.bulk_row(d) for d in batch],
                )
        self._optimize()

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def match_source(self, node: Node, floor: Floor = None) -> MatchSource:
        # With a floor, FTS5 walks only that rowid range: cheap.
        extra, extra_params = self.floor_condition(f"{TABLE}.rowid", floor)
        where, params = f"{TABLE} MATCH %s{extra}", [fts_expression(node), *extra_params]
        return MatchSource(
            from_sql=TABLE,
            from_params=[],
            where_sql=where,
            where_params=params,
            post_id=f"{TABLE}.rowid",
            rank_order=RANK,
        )

    def pool_sql(
        self,
        node: Node,
        base: tuple[str, list],
        pool: int,
        id_sets: IdSets = (),
        ranked: bool = True,
    ) -> tuple[str, list]:
        # bm25 is lower for better matches; negated so that higher is better, as the contract says.
        rank = f"-{RANK}" if ranked else "0.0"
        columns = f"p.id, p.creation_date, p.last_activity_date, p.score, {rank}"
        return self._pool_join(node, base, pool, columns, id_sets=id_sets)

    def match_ids_sql(self, node: Node) -> tuple[str, list]:
        return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [fts_expression(node)]

    def title_probes_sql(
        self, tokens: list[str], per_term: int
    ) -> tuple[dict[str, int] | None, str, list]:
        # FTS5 walks a word's documents from the newest (ORDER BY rowid DESC) and stops at the
        # LIMIT: a common word costs what a rare one does. No counts: what it reads is one.
        probe = (
            "SELECT * FROM (SELECT {k} AS k, rowid AS id FROM "
            f"{TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s)"
        )
        sql = " UNION ALL ".join(probe.format(k=k) for k in range(len(tokens)))
        params: list = []
        for token in tokens:
            params += [fts_expression(Phrase((token,), ("title",))), per_term]
        return None, sql, params
