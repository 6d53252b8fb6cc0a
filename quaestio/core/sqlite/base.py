"""Django's SQLite backend, converting each distinct statement's placeholders once per process.

Why: Django writes SQL with `%s` placeholders and its SQLite cursor rewrites them to `?` with a
look-behind regular expression on every execute. On the question page that scan of the
statements' text was 0.33M of the 8.9M instructions a view costs (callgrind,
bench/wsgi_requests.py), more than running the two smaller queries. The statements a site runs
are a small, repeating set, so the converted text is remembered, bounded, keyed by the text it
came from: the result is the one Django computes, only not computed again.
"""

from __future__ import annotations

from functools import lru_cache

from django.db.backends.sqlite3 import base

CONVERTED_STATEMENTS_KEPT = 2048


@lru_cache(maxsize=CONVERTED_STATEMENTS_KEPT)
def format_to_qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return format_to_qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
