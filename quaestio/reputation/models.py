"""The reputation ledger: one row per event that moves a user's reputation.

A row is an event that stands (a vote, an accept, a bounty, an approved suggested edit, an
opening balance ...) with `nominal`, what the rule table says it is worth, and `amount`, what
replaying the user's events in time order with the daily cap and the floor of 1 gave it
(`reputation.replay`). A user's `reputation` is `BASE_REPUTATION + SUM(amount)`. A retracted
vote or removed accept takes its rows out of the ledger, and the user's events are replayed
from that moment, exactly as Stack Exchange's recalculation would count them; an event on a
deleted post stays, applying nothing until the post is undeleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# Every account starts with one point (spec §1.4); the ledger holds changes from there.
BASE_REPUTATION = 1


class Reason(models.TextChoices):
    """Named after the events of spec §1.1 / §1.4 (the reputation-history event types)."""

    OPENING_BALANCE = "opening_balance", "opening balance (imported or seeded total)"
    UPVOTE = "upvote", "upvote"
    DOWNVOTE = "downvote", "downvote"
    DOWNVOTED_ANSWER = "downvoted", "you downvoted an answer"
    ACCEPT = "accept", "answer accepted"
    ACCEPTER = "accepter", "you accepted an answer"
    SUGGESTED_EDIT = "edit", "suggested edit approved"
    BOUNTY_OFFERED = "bounty_offered", "bounty offered"
    BOUNTY_AWARDED = "bounty_awarded", "bounty awarded"
    ASSOCIATION_BONUS = "association", "association bonus"
    SPAM_PENALTY = "spam_penalty", "post deleted as spam or rude"


class ReputationChange(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_changes"
    )
    amount = models.IntegerField()
    nominal = models.IntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Posts can be deleted rows in a dump; the ledger must keep pointing at them.
    post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The Vote row behind the event (a vote or an accept); its rows leave the ledger with it.
    vote_id = models.BigIntegerField(null=True, blank=True)
    # Other events (a bounty, an approved suggested edit) name their row here.
    event_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="repchange_user_date_idx"),
            models.Index(fields=["post", "user"], name="repchange_post_user_idx"),
            models.Index(fields=["vote_id"], name="repchange_vote_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.amount:+d} {self.reason}"
