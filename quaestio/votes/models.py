from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class VoteType(models.IntegerChoices):
    INFORM_MODERATOR = -1
    UNDO_MOD = 0
    ACCEPTED_BY_ORIGINATOR = 1
    UP_MOD = 2
    DOWN_MOD = 3
    OFFENSIVE = 4
    FAVORITE = 5
    CLOSE = 6
    REOPEN = 7
    BOUNTY_START = 8
    BOUNTY_CLOSE = 9
    DELETION = 10
    UNDELETION = 11
    SPAM = 12
    MODERATOR_REVIEW = 15
    APPROVE_EDIT_SUGGESTION = 16


class Vote(models.Model):
    """A vote as the dump records it. Votes cast here also keep the voter; exports anonymise."""

    id = models.BigAutoField(primary_key=True)
    # Dumps keep votes on deleted posts; the constraint would reject real data.
    post = models.ForeignKey(
        "posts.Post", on_delete=models.DO_NOTHING, related_name="votes", db_constraint=False
    )
    vote_type = models.SmallIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
        db_constraint=False,
    )
    creation_date = models.DateTimeField(default=timezone.now)
    bounty_amount = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["post", "vote_type"], name="vote_post_type_idx"),
            models.Index(fields=["user", "post"], name="vote_user_post_idx"),
        ]
