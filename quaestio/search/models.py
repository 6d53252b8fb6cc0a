"""The search room's one Django model. The engines' own tables (SQLite's FTS5 `search_fts`,
PostgreSQL's `search_document`) are made by this app's migrations in raw SQL, each only on its
own database, and are reached only through quaestio.search.backends."""

from __future__ import annotations

from django.db import models


class SearchWord(models.Model):
    """Every word the index has seen, unstemmed: what `ex*nge` style wildcards expand against.

    Words are never removed when posts change: a stale word only expands to a term that finds
    nothing, and keeping them spares a count per word on every edit.
    """

    word = models.CharField(max_length=60, primary_key=True)

    def __str__(self) -> str:
        return self.word
