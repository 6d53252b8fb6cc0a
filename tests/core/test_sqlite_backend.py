"""The SQLite backend remembers each statement's placeholder conversion; it must convert exactly
as Django's own backend does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from quaestio.core.sqlite.base import SQLiteCursorWrapper, format_to_qmark

STATEMENTS = [
    "SELECT * FROM t WHERE a = %s AND b IN (%s, %s)",
    "SELECT '%%s literal', x FROM t WHERE y LIKE %s",
    "SELECT 100%% FROM t",
    "SELECT 1",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_conversion_is_djangos(statement):
    assert format_to_qmark(statement) == DjangoCursor.convert_query(None, statement)
    assert format_to_qmark(statement) == format_to_qmark(statement)  # remembered, same result


@pytest.mark.django_db
def test_site_connection_uses_it_and_runs_format_and_named_parameters():
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite backend only")
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, SQLiteCursorWrapper)
        cursor.execute("SELECT %s || '%%s', %s", ["a", 2])
        assert cursor.fetchall() == [("a%s", 2)]
        cursor.execute("SELECT %(x)s, %(y)s", {"x": 1, "y": "b"})
        assert cursor.fetchall() == [(1, "b")]
