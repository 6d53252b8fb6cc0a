"""Bulk writes for the importer: COPY on PostgreSQL, executemany in big batches on SQLite.

Both write through the driver's own connection inside the caller's transaction (Django's
cursor wrapper adds per-call work that shows at millions of rows); nothing here commits.
"""

from __future__ import annotations

from django.db import connection


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

    def write(self, rows: list) -> None:
        if not rows:
            return
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(self.statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor = raw.cursor()
            try:
                cursor.executemany(self.statement, rows)
            finally:
                cursor.close()
        self.rows_written += len(rows)
