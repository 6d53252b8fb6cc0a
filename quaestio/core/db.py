"""Database helpers shared by the bulk loaders (demo, dump import) and the migrations."""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection


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
