"""The search engine of the database in use: SQLite FTS5 by default, PostgreSQL full text."""

from __future__ import annotations

from django.db import connection

from quaestio.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from quaestio.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from quaestio.search.backends.sqlite_fts import SqliteFtsBackend

    return SqliteFtsBackend()
