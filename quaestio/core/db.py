"""Database helpers shared by the bulk loaders (demo, dump import) and the migrations."""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction


def reset_sequences(models: list) -> None:
    """After inserting rows with explicit ids, move PostgreSQL's id sequences past them so the
    next row the site creates does not collide. SQLite needs nothing: it uses max(id) + 1."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if not statements:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def on_vendor(vendor: str, statements: list[str]):
    """A RunPython function that executes raw SQL only on one database vendor: for the search
    engines' own tables and indexes, which exist in SQLite's or PostgreSQL's form only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == vendor:
            for statement in statements:
                schema_editor.execute(statement)

    return run


def trigram_index(table: str, column: str, name: str):
    """(create, drop) RunPython functions for a PostgreSQL trigram index (pg_trgm) on
    UPPER(column): what Django's icontains writes (UPPER(col::text) LIKE UPPER('%x%')), which
    no B-tree answers. pg_trgm ships with PostgreSQL's contrib and is a trusted extension (a
    database owner may create it from PostgreSQL 13); where it cannot be created the index is
    left out and the substring filter reads the table as before. SQLite has no such index."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic():
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return  # not installed or not permitted
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
        )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return create, drop


# Parameters per statement, well under SQLite's limit (32,766 since 3.32; 999 before).
_UPSERT_PARAMETERS = 2500


def add_to_kept_counts(
    table: str, keys: tuple[str, ...], counts: tuple[str, ...], rows: list[tuple]
) -> None:
    """Add each row's counts to the kept row of its keys, making the row when it is missing:
    (keys..., counts...) tuples, several rows per INSERT … ON CONFLICT DO UPDATE (both
    databases), in the caller's transaction. Kept counters changed by deltas use it."""
    if not rows:
        return
    columns = (*keys, *counts)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)
    per_statement = max(1, _UPSERT_PARAMETERS // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES {', '.join([placeholders] * len(chunk))}"
                f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}",
                [value for row in chunk for value in row],
            )
