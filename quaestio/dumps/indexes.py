"""Secondary indexes are dropped while a dump loads and rebuilt once after it.

Maintaining a B-tree per index for each inserted row costs more than building it once from
sorted data (the fast importers in the dump spec all do this). Only plain (non-unique) indexes
go: primary keys and unique constraints stay, because they are how a duplicate or colliding id
is caught. Dropping and re-creating happens inside the import's transaction, so a failed import
gets its indexes back with the rollback.
"""

from __future__ import annotations

from django.db import OperationalError, connection, transaction


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


def foreign_keys(tables: list[str]) -> list[tuple[str, str, str]]:
    """PostgreSQL: (table, name, definition) of the foreign keys on these tables.

    Each row COPY writes into a table with a foreign key queues a deferred check in the server
    (memory and CPU per row, then one index probe each at the end). The importer drops these
    constraints for the load, names any broken reference itself (checks.py), and adds them back
    afterwards, when PostgreSQL validates each with one join over the table instead. SQLite
    cannot drop a constraint without rebuilding its table, so there they stay.
    """
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        return cursor.fetchall()


def drop_foreign_keys(constraints: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Drop the constraints; returns those dropped (to restore after the load).

    A table with deferred checks still queued (rows written earlier in an outer transaction
    the import runs inside, as in tests) cannot be altered: then all constraints stay, and the
    load runs with the per-row checks as before.
    """
    if not constraints:
        return []
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, name, _definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    except OperationalError:
        return []
    return constraints


def restore_foreign_keys(constraints: list[tuple[str, str, str]]) -> None:
    """Add the constraints back; PostgreSQL checks every row as it does."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


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
            # Sort each index in memory rather than in temporary files (64 MB is the server's
            # default); SET LOCAL ends with the import's transaction.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, sql in indexes:
            cursor.execute(sql)


def analyze(tables: list[str]) -> None:
    """Fresh planner statistics for the loaded tables.

    Right after a bulk load PostgreSQL still believes the tables are (nearly) empty and plans
    the recount's correlated subqueries as sequential scans: measured on a million-row dump,
    the answer-count UPDATE ran for minutes instead of under a second. ANALYZE inside the
    transaction sees the transaction's own rows.

    On PostgreSQL only the columns the import's own statements join, group or filter on are
    analysed: long text, JSON, tsvector and array columns (bodies, history texts, extras, search
    documents and their pairs and tags) are left out, which was half of the phase's time on a million-row dump (their
    sampled values are detoasted). Nothing in the import reads their statistics, and the site
    gets them soon after: the committed rows count as changes since that ANALYZE, so autovacuum
    analyses the tables again, every column.

    The importer analyses each file's tables once the file is loaded, before their indexes are
    built (so the statistics are those of the table, as before, not of its new indexes).
    """
    if not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ANY(%s) "
                "AND data_type NOT IN ('text', 'jsonb', 'json', 'tsvector', 'bytea', 'ARRAY') "
                "ORDER BY table_name, ordinal_position",
                [list(tables)],
            )
            columns: dict[str, list[str]] = {}
            for table, column in cursor.fetchall():
                columns.setdefault(table, []).append(quote(column))
            for table in tables:
                chosen = columns.get(table)
                if chosen:
                    cursor.execute(f"ANALYZE {quote(table)} ({', '.join(chosen)})")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({})".format(
                    ", ".join(["%s"] * len(tables))
                ),
                list(tables),
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f"ANALYZE {quote(table)}")
