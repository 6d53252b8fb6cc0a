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
    # Dumps keep votes on deleted posts; the constraint would reject real data. No index of
    # its own: vote_post_type_idx leads with it (one index build less per import, one less to
    # keep up on every vote).
    post = models.ForeignKey(
        "posts.Post",
        on_delete=models.DO_NOTHING,
        related_name="votes",
        db_constraint=False,
        db_index=False,
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


class CommentVote(models.Model):
    """An upvote on a comment ("useful comment"). No downvotes, no reputation (spec §4)."""

    id = models.BigAutoField(primary_key=True)
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="commentvote_once_per_user")
        ]
        indexes = [models.Index(fields=["user", "creation_date"], name="commentvote_user_date_idx")]


class BountyState(models.TextChoices):
    OPEN = "open"
    AWARDED = "awarded"  # by the offerer
    AUTO_AWARDED = "auto_awarded"  # half, by the rule of spec §5.8
    EXPIRED = "expired"  # grace period over, no answer qualified


class Bounty(models.Model):
    """A bounty's life. The dump records only its two Vote rows (8 start, 9 close)."""

    id = models.BigAutoField(primary_key=True)
    question = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="bounties")
    offerer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bounties_offered"
    )
    amount = models.IntegerField()
    reason = models.CharField(max_length=40)
    state = models.CharField(max_length=20, choices=BountyState.choices, default=BountyState.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    start_vote = models.ForeignKey(
        Vote, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    awarded_answer = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded_amount = models.IntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "ends_at"], name="bounty_state_ends_idx"),
            models.Index(fields=["question", "state"], name="bounty_question_state_idx"),
            models.Index(fields=["offerer", "state"], name="bounty_offerer_state_idx"),
        ]
