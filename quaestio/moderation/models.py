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
            # A user's votes today, for the daily allowance (moderation.close_limits).
            models.Index(fields=["user", "creation_date"], name="closevote_user_day_idx"),
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
    SOURCES_ADDED = "sources-added", "Sources added"


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


class FlagState(models.TextChoices):
    """How a flag ended (spec §7.8); the flagger's history shows it."""

    PENDING = "pending"
    HELPFUL = "helpful"  # a moderator agreed, or the flags' outcome came (deleted, removed)
    DECLINED = "declined"  # a moderator disagreed, with a reason the flagger sees
    DISPUTED = "disputed"  # reviewers found the post fine (a low-quality review: Looks OK)
    AGED = "aged"  # aged away unhandled (only when the site sets an ageing time)


class Flag(models.Model):
    """One user's flag on a post, or on a comment (`comment` set; `post` is then the comment's
    post, so the moderators' dashboard groups both by post).

    The kinds are moderation.flags.POST_FLAGS and COMMENT_FLAGS; close flags ("needs
    improvement" on a question) are CloseVote rows, as the close queue reads them.
    """

    id = models.BigAutoField(primary_key=True)
    # No index of its own: flag_post_state_idx leads with it (and PostgreSQL's planner took a
    # plain post index, filtering out handled flags, for the dashboard's pending-posts read).
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    comment = models.ForeignKey(
        "comments.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=24)
    text = models.CharField(max_length=500, blank=True, default="")  # "other" flags' words
    state = models.CharField(max_length=10, choices=FlagState.choices, default=FlagState.PENDING)
    creation_date = models.DateTimeField(default=timezone.now)
    resolved_date = models.DateTimeField(null=True, blank=True)
    # Who handled it (None: the flags' own outcome, or Community) and the reason given.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        indexes = [
            # The dashboard pages the posts with pending flags (newest post first) and counts
            # the backlog, reading only the pending range. (Not a partial index: SQLite uses
            # one only when the query writes the state as a literal, not a parameter.)
            models.Index(fields=["state", "post"], name="flag_state_post_idx"),
            # A post's flags by state and kind (the six that delete it).
            models.Index(fields=["post", "state", "kind"], name="flag_post_state_idx"),
            models.Index(fields=["comment", "state"], name="flag_comment_state_idx"),
            # The flagger's history (newest first), today's allowance and their record.
            models.Index(fields=["user", "-creation_date", "-id"], name="flag_user_date_idx"),
            models.Index(fields=["user", "state"], name="flag_user_state_idx"),
        ]
        constraints = [
            # One standing flag per user and post, and per user and comment: a retried or
            # concurrent request cannot count twice toward the six that delete a post.
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(state="pending", comment=None),
                name="flag_one_pending_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(state="pending", comment__isnull=False),
                name="flag_one_pending_per_comment",
            ),
        ]

    @property
    def on_comment(self) -> bool:
        return self.comment_id is not None


class FlaggerRecord(models.Model):
    """A user's flags by outcome, kept as counters (spec §7.8: the allowance grows with
    helpful flags; moderators see each flagger's record beside their flags). Moved in the
    transaction that raises or resolves a flag; `moderation.flag_handling.flagger_records_rebuild`
    recounts them from the Flag rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    pending = models.IntegerField(default=0)
    helpful = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    disputed = models.IntegerField(default=0)
    aged = models.IntegerField(default=0)


class ReviewAction(models.TextChoices):
    """What a reviewer did with a review task (spec §7.9); which queue offers which is
    `moderation.review_rules.QUEUE_ACTIONS`."""

    LOOKS_OK = "looks-ok", "Looks OK"
    EDIT = "edit", "Edit"
    FEEDBACK = "feedback", "Share feedback"
    RECOMMEND_DELETION = "recommend-deletion", "Recommend deletion"
    DELETE = "delete", "Delete"
    CLOSE = "close", "Close"
    LEAVE_OPEN = "leave-open", "Leave open"
    REOPEN = "reopen", "Reopen"
    LEAVE_CLOSED = "leave-closed", "Leave closed"
    APPROVE = "approve", "Approve: the sources are enough"
    REJECT = "reject", "Reject: it still needs sources"
    SKIP = "skip", "Skip"


class Review(models.Model):
    """One reviewer's review of one task: who, which task, what they did, when, and a comment
    (the feedback posted, the close reason chosen, what a vote led to).

    A skip is a review too: it keeps the item out of that reviewer's copy of the queue, but
    counts toward neither the item's completion, the daily limit nor the badges.
    """

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    queue = models.CharField(max_length=24, choices=ReviewQueue.choices)  # the task's, copied
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    comment = models.CharField(max_length=600, blank=True, default="")
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # A queue's history, newest first (keyset on id).
            models.Index(fields=["queue", "-id"], name="review_queue_idx"),
            # A reviewer's history in a queue, newest first, and the review badges' counts.
            models.Index(fields=["user", "queue", "-id"], name="review_user_idx"),
            # The daily limit counts only today's rows.
            models.Index(fields=["user", "queue", "creation_date"], name="review_user_day_idx"),
        ]
        constraints = [
            # One review per reviewer and task: a repeated or forged second post cannot count
            # twice, and the item leaves that reviewer's copy of the queue.
            models.UniqueConstraint(fields=["task", "user"], name="review_one_per_reviewer")
        ]


class BlocklistTarget(models.TextChoices):
    """What a blocklist pattern is matched against (spam defence, issue 17 point 5)."""

    TITLE = "title", "Question titles"
    BODY = "body", "Post and comment bodies"
    URL = "url", "Link addresses in bodies"
    USERNAME = "username", "User names"


class BlocklistAction(models.TextChoices):
    REFUSE = "refuse", "Refuse, with the message below"
    HOLD = "hold", "Hold the post for a moderator's review"


class BlocklistPattern(models.Model):
    """A regular expression moderators list against spam. Never deleted, only disabled, so
    held posts keep naming the pattern that held them."""

    target = models.CharField(max_length=10, choices=BlocklistTarget.choices)
    pattern = models.CharField(max_length=500)
    action = models.CharField(max_length=10, choices=BlocklistAction.choices)
    message = models.CharField(max_length=300, blank=True, default="")  # shown on refusal
    note = models.CharField(max_length=500, blank=True, default="")  # for moderators only
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    last_edit_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class BlocklistVersion(models.Model):
    """One row whose number goes up with every change of the blocklist, in the change's own
    transaction: each process compares it with the version it compiled (one primary-key read
    per screened write) and recompiles when another process changed the list."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=0)


# The PostHistory comment of the Community user's deletion that holds a post for review: the
# question page tells the author (and moderators) it is held, not deleted.
HELD_COMMENT = "Held for review"


class HeldPostState(models.TextChoices):
    PENDING = "pending"
    RELEASED = "released"  # a moderator made it public
    DELETED = "deleted"  # a moderator confirmed it as spam: it stays deleted


class HeldPost(models.Model):
    """A post the blocklist held: kept (deleted by the Community user, so no page shows it but
    to its author and moderators) until a moderator releases or deletes it at /admin/held."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    pattern = models.ForeignKey(
        BlocklistPattern, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)  # which field matched what
    state = models.CharField(
        max_length=10, choices=HeldPostState.choices, default=HeldPostState.PENDING
    )
    creation_date = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # /admin/held pages the pending holds newest first, by id (keyset).
            models.Index(fields=["state", "-id"], name="heldpost_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(state="pending"), name="heldpost_one_pending"
            )
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
    """The room a post's comment thread was moved to (spec §6.4): the moved comments are its
    first messages, then people talk in it live (quaestio/chat/, at /rooms/<id>)."""

    post_id = models.IntegerField(db_index=True)  # the post the discussion was under
    name = models.CharField(max_length=200)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    # Counters for the list of rooms (chat/selectors.room_list), kept by chat/services.py.
    message_count = models.IntegerField(default=0)
    last_message_date = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["-last_message_date", "-id"], name="room_activity_idx")]


class RoomMessage(models.Model):
    """One message of a room: a moved comment as it was written, or one said in the room
    (chat/services.py), its author's name kept if the account goes. `text` is the source the
    author may edit for a short while; moved comments keep only their HTML."""

    room = models.ForeignKey(DiscussionRoom, on_delete=models.CASCADE, related_name="messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_display_name = models.CharField(max_length=40, blank=True, default="")
    text_html = models.TextField()
    creation_date = models.DateTimeField()
    comment_id = models.IntegerField(null=True)  # the comment it was
    text = models.TextField(blank=True, default="")
    edited_date = models.DateTimeField(null=True)
    reply_to_id = models.BigIntegerField(null=True)  # the message it answers (":123 text")
    star_count = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["room", "creation_date", "id"], name="roommessage_room_idx")
        ]


class CitationVoteState(models.TextChoices):
    PENDING = "pending"  # counts toward the notice
    COMPLETED = "completed"  # the votes placed the notice
    RETRACTED = "retracted"


class CitationVote(models.Model):
    """A user's "citation needed" vote on an answer (moderation.citations): at
    QUAESTIO_CITATION_VOTES pending votes the Citation needed notice is placed and the
    pending votes complete, so a later round starts from zero."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=10, choices=CitationVoteState.choices, default=CitationVoteState.PENDING
    )
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(state="pending"),
                name="citationvote_one_pending",
            )
        ]
        indexes = [models.Index(fields=["post", "state"], name="citationvote_post_idx")]
