from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class BadgeClass(models.IntegerChoices):
    GOLD = 1
    SILVER = 2
    BRONZE = 3


class Badge(models.Model):
    """One award of a badge to a user (the dump's Badges row)."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: badge_user_class_idx leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges", db_index=False
    )
    name = models.CharField(max_length=50)
    date = models.DateTimeField(default=timezone.now)
    badge_class = models.SmallIntegerField(choices=BadgeClass.choices)
    tag_based = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "badge_class"], name="badge_user_class_idx"),
            models.Index(fields=["name", "date"], name="badge_name_date_idx"),
        ]
