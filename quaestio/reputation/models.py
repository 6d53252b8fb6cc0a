"""The reputation ledger: one row per change to a user's reputation.

A user's `reputation` is a cached value: `BASE_REPUTATION + SUM(amount)` over their rows, so
`quaestio recalc-reputation` can rebuild it. `amount` is what was actually applied after the
daily cap and the floor at 1; `nominal` is what the rule table says the event is worth, so the
reputation page can show when the cap or the floor cut an event down.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# Every account starts with one point (spec §1.4); the ledger holds changes from there.
BASE_REPUTATION = 1


class Reason(models.TextChoices):
    """Named after the events of spec §1.1 / §1.4 (the reputation-history event types)."""

    OPENING_BALANCE = "opening_balance", "opening balance (imported total)"
    UPVOTE = "upvote", "upvote"
    DOWNVOTE = "downvote", "downvote"
    UNUPVOTE = "unupvote", "upvote retracted"
    UNDOWNVOTE = "undownvote", "downvote retracted"
    DOWNVOTED_ANSWER = "downvoted", "you downvoted an answer"
    UNDOWNVOTED_ANSWER = "undownvoted", "you retracted an answer downvote"
    ACCEPT = "accept", "answer accepted"
    UNACCEPT = "unaccept", "accept removed"
    ACCEPTER = "accepter", "you accepted an answer"
    UNACCEPTER = "unaccepter", "you removed an accept"
    SUGGESTED_EDIT = "edit", "suggested edit approved"
    BOUNTY_OFFERED = "bounty_offered", "bounty offered"
    BOUNTY_AWARDED = "bounty_awarded", "bounty awarded"
    ASSOCIATION_BONUS = "association", "association bonus"
    SPAM_PENALTY = "spam_penalty", "post deleted as spam or rude"
    REMOVED = "removed", "post deleted"
    RESTORED = "restored", "post undeleted"
    # A vote or accept undone while its post is deleted: the undo and this row cancel out, so
    # the deleted post still contributes nothing and undeleting restores the right amount.
    REMOVED_ADJUSTMENT = "removed_adjust", "post deleted (adjustment)"
    REVERSAL = "reversal", "voting corrected"


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
    # The Vote row behind the change. Retracted votes are deleted (the dump keeps only standing
    # votes), so this is a plain id the ledger keeps after the vote is gone.
    vote_id = models.BigIntegerField(null=True, blank=True)
    # Other events (a bounty, a serial-voting run) name their row here.
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
