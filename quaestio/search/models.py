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


class TitleVector(models.Model):
    """A question title's sentence embedding (search/meaning.py), for similar questions by
    meaning. `vector` is float16, little-endian (768 bytes for 384 dimensions); empty when the
    question was removed (a tombstone, so every process's index drops it). `version` orders
    the writes: a process loads only the rows newer than the last it saw."""

    post_id = models.BigIntegerField(primary_key=True)  # no foreign key: rows outlive posts
    model = models.CharField(max_length=40)
    digest = models.CharField(max_length=16)  # of the title embedded: a save that kept it is free
    vector = models.BinaryField()
    version = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"title vector of post {self.post_id}"
