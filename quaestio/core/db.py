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
