"""The core room's models: site-wide counts the list pages show, kept by the database itself
(core/site_counts.py), and the rows of the shared cache (core/shared_cache.py)."""

from __future__ import annotations

from django.db import models


class SiteCount(models.Model):
    """One site-wide count ("questions", "unanswered", "users", "tags"), changed by triggers in
    the transaction that changes the rows it counts, so no page counts a whole table."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class AnsweredQuestion(models.Model):
    """A live question with an accepted or upvoted live answer (core/answered.py): the set is
    kept by triggers, its size is the "answered" site count, and the API's total_unanswered is
    the questions less it. No foreign key: the triggers remove a question that goes."""

    question_id = models.BigIntegerField(primary_key=True)


class SharedCacheEntry(models.Model):
    """One key of Django's cache when the site runs without Redis: every web process reads and
    writes the same row, so rate limits, quotas and throttles hold for the whole site.

    A whole number (a counter) is kept in `number`, so it can be incremented in one statement;
    anything else is pickled into `value`. `expires` is Unix time in seconds.
    """

    key = models.CharField(max_length=255, primary_key=True)
    value = models.BinaryField(null=True)
    number = models.BigIntegerField(null=True)
    expires = models.FloatField(db_index=True)


class PageGeneration(models.Model):
    """How many times what the anonymous pages show has changed (core/page_generation.py): the
    anonymous page cache keys every page by it, so one bump makes every cached page unreachable.
    One row ("pages"), bumped last in each transaction that changes a shown thing."""

    name = models.CharField(max_length=40, primary_key=True)
    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.number}"
