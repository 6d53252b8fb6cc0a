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
            # A kind's first award (the API's badge_id) in one probe, whatever its awards.
            models.Index(
                fields=["name", "badge_class", "tag_based", "id"], name="badge_kind_first_idx"
            ),
            # The newest awards (/badges/recipients) and /info's awards of the last day.
            models.Index(fields=["date", "id"], name="badge_date_id_idx"),
        ]


class BadgeCount(models.Model):
    """How many times a badge (name, class, tag-based or not) was awarded: the /badges page
    reads these few rows instead of grouping every award. Kept by triggers on badges_badge in
    the awarding transaction (core/site_counts.py) and rebuilt by `quaestio recount`."""

    name = models.CharField(max_length=50)
    badge_class = models.SmallIntegerField(choices=BadgeClass.choices)
    tag_based = models.BooleanField(default=False)
    awarded = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name", "badge_class", "tag_based"], name="badge_count_key"
            )
        ]
