"""Site-wide counts the list pages show, kept by the database itself (see core/site_counts.py)."""

from __future__ import annotations

from django.db import models


class SiteCount(models.Model):
    """One site-wide count ("questions", "unanswered", "users", "tags"), changed by triggers in
    the transaction that changes the rows it counts, so no page counts a whole table."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
