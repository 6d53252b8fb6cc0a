"""Secondary indexes are dropped while a dump loads and rebuilt once after it.

Maintaining a B-tree per index for each inserted row costs more than building it once from
sorted data (the fast importers in the dump spec all do this). Only plain (non-unique) indexes
go: primary keys and unique constraints stay, because they are how a duplicate or colliding id
is caught. Dropping and re-creating happens inside the import's transaction, so a failed import
gets its indexes back with the rollback.
"""

from __future__ import annotations

from django.db import connection


def plain_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every non-unique index on these tables."""
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND tbl_name IN ({marks}) AND sql IS NOT NULL",
                tables,
            )
        else:
            cursor.execute(
                f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                f"AND tablename IN ({marks})",
                tables,
            )
        rows = cursor.fetchall()
    return [(name, sql) for name, sql in rows if not sql.upper().startswith("CREATE UNIQUE")]


def drop(indexes: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def rebuild(indexes: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL will not build an index on a table with deferred foreign-key checks
            # still queued; run them now (the importer has already named any broken
            # reference), then defer again for the rest of the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, sql in indexes:
            cursor.execute(sql)


def analyze(tables: list[str]) -> None:
    """Fresh planner statistics for the loaded tables.

    Right after a bulk load PostgreSQL still believes the tables are (nearly) empty and plans
    the recount's correlated subqueries as sequential scans: measured on a million-row dump,
    the answer-count UPDATE ran for minutes instead of under a second. ANALYZE inside the
    transaction sees the transaction's own rows.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        else:
            cursor.execute("ANALYZE")
