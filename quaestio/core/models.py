"""The core room's one model: the rows of the shared cache (quaestio.core.shared_cache)."""

from django.db import models


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
