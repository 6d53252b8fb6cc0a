"""Bulk writes for the importer: COPY on PostgreSQL, executemany in big batches on SQLite.

Both write through the driver's own connection inside the caller's transaction (Django's
cursor wrapper adds per-call work that shows at millions of rows); nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import SimpleNamespace

from django.db import connection

CopyText = Callable[[Iterable[Sequence]], bytearray]


def copy_text_formatter() -> CopyText | None:
    """PostgreSQL: rows -> the bytes COPY ... FROM STDIN reads (text format), formatted by
    psycopg's own row formatter (C) with the connection's adapters, as `write_row` formats
    them; None on SQLite.

    It needs no connection, so the parsing process can run it: the importer then only hands
    the bytes to COPY, instead of unpickling each row and formatting it again (about 4 s of
    the importer's CPU a million-row dump, on the one process that also waits for the server).
    The returned function keeps psycopg's adapters, not the connection (a forked process must
    never touch the importer's connection).
    """
    if connection.vendor != "postgresql":
        return None
    from psycopg._copy_base import TextFormatter  # psycopg's, pinned at 3.2 (pyproject.toml)
    from psycopg.adapt import Transformer

    connection.ensure_connection()
    context = SimpleNamespace(adapters=connection.connection.adapters, connection=None)
    transformer = Transformer(context)

    def to_copy_text(rows: Iterable[Sequence]) -> bytearray:
        # The buffer itself, not a bytes copy of it: a batch's text is held once.
        formatter = TextFormatter(transformer)
        out = bytearray()
        for row in rows:
            out += formatter.write_row(row)
        out += formatter.end()
        return out

    return to_copy_text


def driver_errors() -> tuple[type[Exception], type[Exception]]:
    """(IntegrityError, Error) of the database driver in use."""
    return connection.Database.IntegrityError, connection.Database.Error


class BulkWriter:
    def __init__(self, table: str, columns: list[str]) -> None:
        self.table = table
        self.columns = columns
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        if connection.vendor == "postgresql":
            self.statement = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        else:
            marks = ", ".join("?" for _ in columns)
            self.statement = (
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"
            )
        self.rows_written = 0

    def write(self, rows: list, text: bytes | bytearray = b"", text_rows: int = 0) -> None:
        """Write `rows`, and (PostgreSQL) `text`: `text_rows` more rows already formatted by
        copy_text_formatter, in the same COPY."""
        if not rows and not text:
            return
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(self.statement) as copy:
                for row in rows:
                    copy.write_row(row)
                if text:
                    copy.write(text)
        else:
            cursor = raw.cursor()
            try:
                cursor.executemany(self.statement, rows)
            finally:
                cursor.close()
        self.rows_written += len(rows) + text_rows
