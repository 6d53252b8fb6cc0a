"""Close and reopen votes, close flags, and the site's own off-topic close reasons (spec §7.1-7.3).

A closing or reopening itself is written where the dump keeps it: the question's `closed_date`
and `close_reason`, a PostHistory row (type 10 or 11) and, for duplicates, PostLinks of type 3.
The rows here are what leads to it: each user's pending vote or flag, kept after the outcome
with the state it ended in, so the close review queue and the timeline can read them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OffTopicReason(models.Model):
    """A community-specific close reason, with the five texts of spec §7.1 (moderators edit them)."""

    brief_description = models.CharField(max_length=100)  # the choice in the close dialog
    usage_guidance = models.CharField(max_length=500, blank=True, default="")  # under the choice
    post_notice = models.CharField(max_length=500)  # the public text of the closed notice
    owner_guidance = models.CharField(max_length=500, blank=True, default="")  # the asker sees
    privileged_guidance = models.CharField(max_length=500, blank=True, default="")  # 3k+ see
    active = models.BooleanField(default=True)  # retired reasons stay for old closings
    display_order = models.SmallIntegerField(default=0)
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_order", "id"]

    def __str__(self) -> str:
        return self.brief_description


class CloseVoteKind(models.IntegerChoices):
    # The dump's VoteTypeId numbers for close and reopen votes.
    CLOSE = 6, "close"
    REOPEN = 7, "reopen"


class CloseVoteState(models.TextChoices):
    PENDING = "pending"
    APPLIED = "applied"  # counted in the closing or reopening it led to
    AGED = "aged"  # 14 days passed after the last vote (spec §7.2)
    RETRACTED = "retracted"  # its voter took it back
    DISMISSED = "dismissed"  # the question changed state some other way (a flag on a closed one)


class CloseVote(models.Model):
    """One user's close vote, reopen vote or close flag on a question."""

    question = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="close_votes", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.SmallIntegerField(choices=CloseVoteKind.choices)
    # A close flag: raised by a user below the close privilege; it counts for the close review
    # queue, not toward the votes that close the question.
    is_flag = models.BooleanField(default=False)
    reason = models.SmallIntegerField(null=True, blank=True)  # a posts.CloseReason, close only
    off_topic_reason = models.ForeignKey(
        OffTopicReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_ids = models.JSONField(default=list, blank=True)  # duplicate targets
    # The automatic "Does this answer your question?" comment this vote posted, removed on closing.
    auto_comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=CloseVoteState.choices, default=CloseVoteState.PENDING
    )
    creation_date = models.DateTimeField(default=timezone.now)
    resolved_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["question", "kind", "state"], name="closevote_question_idx"),
            # The close review queue and the aging job read pending rows by date.
            models.Index(fields=["state", "kind", "creation_date"], name="closevote_pending_idx"),
        ]
        constraints = [
            # One standing vote (or flag) per user, question and kind: a retried or concurrent
            # request cannot count twice.
            models.UniqueConstraint(
                fields=["question", "user", "kind"],
                condition=Q(state="pending"),
                name="closevote_one_pending",
            )
        ]

    @property
    def is_pending(self) -> bool:
        return self.state == CloseVoteState.PENDING


class PostLock(models.Model):
    """A post's standing lock (spec §7.5): which kind, by whom, until when (None: for good).

    The post's `locked_date` says that it is locked (the dump's column); this row says how. A
    lock imported from a dump has only its PostHistory row, hence no row here: it freezes all.
    Unlocking deletes the row; the PostHistory rows (types 14 and 15) keep the story.
    """

    post = models.OneToOneField(
        "posts.Post", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    kind = models.CharField(max_length=24)  # a key of moderation.locks.LOCK_KINDS
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The daily job reads the locks that ran out.
        indexes = [models.Index(fields=["until"], name="postlock_until_idx")]


class PostNotice(models.Model):
    """A moderator's notice under a post (spec §7.10). Its id is the Comment of the post's
    PostHistory rows of types 33 and 34, as in the dump. Removed notices stay, with the date."""

    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)  # a key of moderation.notices.NOTICE_KINDS
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    removed_date = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            # /annotated-posts pages the standing notices newest first, by id.
            models.Index(fields=["removed_date", "-id"], name="postnotice_standing_idx"),
        ]
        constraints = [
            # One standing notice per post: two moderators adding at once cannot stack two.
            models.UniqueConstraint(
                fields=["post"], condition=Q(removed_date=None), name="postnotice_one_standing"
            )
        ]


class DeletionVoteKind(models.IntegerChoices):
    # The dump's VoteTypeId numbers; each vote is also a votes.Vote row of this type.
    DELETE = 10, "delete"
    UNDELETE = 11, "undelete"


class DeletionVoteState(models.TextChoices):
    PENDING = "pending"
    APPLIED = "applied"  # counted in the deletion or undeletion it led to
    DISMISSED = "dismissed"  # the post changed state another way (its owner, a moderator)


class DeletionVote(models.Model):
    """One user's delete or undelete vote on a post (spec §7.6), with the state it ended in.

    The dump keeps only the anonymous Votes row (type 10 or 11, linked here as `vote`); this
    row keeps who voted and whether the vote still stands, for the counts, /tools and the
    timeline.
    """

    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="deletion_votes", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.SmallIntegerField(choices=DeletionVoteKind.choices)
    vote = models.ForeignKey(
        "votes.Vote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    state = models.CharField(
        max_length=10, choices=DeletionVoteState.choices, default=DeletionVoteState.PENDING
    )
    creation_date = models.DateTimeField(default=timezone.now)
    resolved_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["post", "kind", "state"], name="deletionvote_post_idx"),
            # /tools lists the pending ones, newest first.
            models.Index(fields=["state", "kind", "-creation_date"], name="deletionvote_state_idx"),
        ]
        constraints = [
            # One standing vote per user, post and kind: a retried or concurrent request
            # cannot count twice.
            models.UniqueConstraint(
                fields=["post", "user", "kind"],
                condition=Q(state="pending"),
                name="deletionvote_one_pending",
            )
        ]


class ReviewQueue(models.TextChoices):
    """The review queues of spec §7.9 (suggested edits keep their own rows in posts)."""

    CLOSE = "close", "Close votes"
    REOPEN = "reopen", "Reopen votes"
    FIRST_QUESTIONS = "first-questions", "First questions"
    FIRST_ANSWERS = "first-answers", "First answers"
    LATE_ANSWERS = "late-answers", "Late answers"
    LOW_QUALITY = "low-quality-posts", "Low quality posts"


class ReviewTaskState(models.TextChoices):
    PENDING = "pending"
    COMPLETED = "completed"  # enough reviews, or an outcome reached through the queue
    INVALIDATED = "invalidated"  # the post changed state some other way (closed, deleted...)


class ReviewTask(models.Model):
    """One post waiting in one review queue; at most one pending task per queue and post.

    Who reviewed it and how is kept by the review room beside this row; this row is what
    every room may create (`moderation.review_tasks.enqueue_for_review`): a flag sending a
    post to the low-quality queue, a close flag, an owner's edit of a closed question.
    """

    queue = models.CharField(max_length=24, choices=ReviewQueue.choices)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True, default="")  # why it entered
    state = models.CharField(
        max_length=12, choices=ReviewTaskState.choices, default=ReviewTaskState.PENDING
    )
    outcome = models.CharField(max_length=40, blank=True, default="")
    creation_date = models.DateTimeField(default=timezone.now)
    completed_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # A queue's pending tasks, oldest first: the next item to review, in bounded time.
            models.Index(fields=["queue", "state", "creation_date", "id"], name="reviewtask_q_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "post"],
                condition=Q(state="pending"),
                name="reviewtask_one_pending",
            )
        ]


class ModeratorAction(models.Model):
    """The moderators' audit log (`/admin/history`): every moderator action, kept permanently.

    Written in the same transaction as the action itself, through
    `moderation.audit.record_moderator_action`. The targets are plain ids, not foreign keys:
    the log outlives the post, comment or account it names (a destroyed spammer).
    """

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderator_name = models.CharField(max_length=100)  # kept if the account goes
    action = models.CharField(max_length=40)  # e.g. "lock", "suspend", "flag-helpful"
    post_id = models.IntegerField(null=True, blank=True)
    comment_id = models.IntegerField(null=True, blank=True)
    target_user_id = models.IntegerField(null=True, blank=True)
    details = models.TextField(blank=True, default="")
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["-creation_date", "-id"], name="modaction_recent_idx"),
            models.Index(fields=["target_user_id", "-creation_date"], name="modaction_user_idx"),
        ]


class QuestionMerge(models.Model):
    """A question a moderator merged into another (its answers moved there): its old URL
    redirects permanently to the target. Plain ids: the pair outlives either post's state."""

    source_id = models.IntegerField(primary_key=True)
    target_id = models.IntegerField()
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)


class DiscussionRoom(models.Model):
    """The room a post's comment thread was moved to (spec §6.4). Until live chat exists it is
    a read-only transcript of the moved comments at /rooms/<id>."""

    post_id = models.IntegerField(db_index=True)  # the post the discussion was under
    name = models.CharField(max_length=200)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)


class RoomMessage(models.Model):
    """One moved comment, as it was written (its author's name kept if the account goes)."""

    room = models.ForeignKey(DiscussionRoom, on_delete=models.CASCADE, related_name="messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_display_name = models.CharField(max_length=40, blank=True, default="")
    text_html = models.TextField()
    creation_date = models.DateTimeField()
    comment_id = models.IntegerField(null=True)  # the comment it was

    class Meta:
        indexes = [
            models.Index(fields=["room", "creation_date", "id"], name="roommessage_room_idx")
        ]
