"""Posts, their history and links, shaped like the Stack Exchange dump (see the dump spec)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PostType(models.IntegerChoices):
    QUESTION = 1
    ANSWER = 2
    ORPHANED_TAG_WIKI = 3
    TAG_WIKI_EXCERPT = 4
    TAG_WIKI = 5
    MODERATOR_NOMINATION = 6
    WIKI_PLACEHOLDER = 7
    PRIVILEGE_WIKI = 8


class PostHistoryType(models.IntegerChoices):
    INITIAL_TITLE = 1
    INITIAL_BODY = 2
    INITIAL_TAGS = 3
    EDIT_TITLE = 4
    EDIT_BODY = 5
    EDIT_TAGS = 6
    ROLLBACK_TITLE = 7
    ROLLBACK_BODY = 8
    ROLLBACK_TAGS = 9
    POST_CLOSED = 10
    POST_REOPENED = 11
    POST_DELETED = 12
    POST_UNDELETED = 13
    POST_LOCKED = 14
    POST_UNLOCKED = 15
    COMMUNITY_OWNED = 16
    POST_MIGRATED = 17
    QUESTION_MERGED = 18
    QUESTION_PROTECTED = 19
    QUESTION_UNPROTECTED = 20
    POST_DISASSOCIATED = 21
    QUESTION_UNMERGED = 22
    SUGGESTED_EDIT_APPLIED = 24
    POST_TWEETED = 25
    DISCUSSION_MOVED_TO_CHAT = 31
    POST_NOTICE_ADDED = 33
    POST_NOTICE_REMOVED = 34
    POST_MIGRATED_AWAY = 35
    POST_MIGRATED_HERE = 36
    POST_MERGE_SOURCE = 37
    POST_MERGE_DESTINATION = 38
    BUMPED_BY_COMMUNITY = 50
    HOT_NETWORK_QUESTION = 52
    REMOVED_FROM_HOT_NETWORK = 53
    CREATED_FROM_ASK_WIZARD = 66


TITLE_HISTORY_TYPES = (1, 4, 7)
BODY_HISTORY_TYPES = (2, 5, 8)
TAGS_HISTORY_TYPES = (3, 6, 9)
CONTENT_HISTORY_TYPES = TITLE_HISTORY_TYPES + BODY_HISTORY_TYPES + TAGS_HISTORY_TYPES


class CloseReason(models.IntegerChoices):
    EXACT_DUPLICATE = 1, "exact duplicate"
    OFF_TOPIC_OLD = 2, "off topic"
    SUBJECTIVE = 3, "subjective and argumentative"
    NOT_A_REAL_QUESTION = 4, "not a real question"
    TOO_LOCALIZED = 7, "too localized"
    GENERAL_REFERENCE = 10, "general reference"
    NOISE = 20, "noise or pointless"
    # The current reasons keep the 2013 ids; since 2019 103-105 carry new names (spec §7.1),
    # which Stack Exchange shows for older closings too.
    DUPLICATE = 101, "duplicate"
    OFF_TOPIC = 102, "off-topic"
    NEEDS_DETAILS = 103, "needs details or clarity"
    NEEDS_FOCUS = 104, "needs more focus"
    OPINION_BASED = 105, "opinion-based"


# The two reasons that mark a question "[duplicate]" (the old and the current scheme).
DUPLICATE_REASONS = (CloseReason.EXACT_DUPLICATE, CloseReason.DUPLICATE)


def title_suffix(closed_date, close_reason) -> str:
    """What Stack Exchange appends to a closed question's title wherever it is listed:
    " [duplicate]" for a duplicate, " [closed]" for any other reason, "" while open."""
    if not closed_date:
        return ""
    return " [duplicate]" if close_reason in DUPLICATE_REASONS else " [closed]"


class LinkType(models.IntegerChoices):
    LINKED = 1
    DUPLICATE = 3


class Post(models.Model):
    id = models.BigAutoField(primary_key=True)
    post_type = models.SmallIntegerField(choices=PostType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    # An accepted answer can be a deleted post in a dump, hence no database constraint.
    accepted_answer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    creation_date = models.DateTimeField(default=timezone.now)
    deletion_date = models.DateTimeField(null=True, blank=True)
    score = models.IntegerField(default=0)
    view_count = models.IntegerField(null=True, blank=True)
    body = models.TextField(blank=True, default="")  # sanitised HTML, what pages show
    # Markdown source; empty for an imported post whose source is unknown until an edit.
    body_markdown = models.TextField(blank=True, default="")
    # No index of its own: post_owner_type_created_idx leads with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        db_index=False,
    )
    owner_display_name = models.CharField(max_length=40, blank=True, default="")
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_editor_display_name = models.CharField(max_length=40, blank=True, default="")
    last_edit_date = models.DateTimeField(null=True, blank=True)
    last_activity_date = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=250, blank=True, default="")
    tags = models.CharField(max_length=250, blank=True, default="")  # dump form: <a><b>
    answer_count = models.IntegerField(null=True, blank=True)
    comment_count = models.IntegerField(default=0)
    favorite_count = models.IntegerField(null=True, blank=True)
    closed_date = models.DateTimeField(null=True, blank=True)
    close_reason = models.SmallIntegerField(choices=CloseReason.choices, null=True, blank=True)
    locked_date = models.DateTimeField(null=True, blank=True)
    protected_date = models.DateTimeField(null=True, blank=True)
    community_owned_date = models.DateTimeField(null=True, blank=True)
    content_license = models.CharField(max_length=20, blank=True, default="")
    # Where the post came from when it was not written here (a dump or the seed thread): shown
    # with the licence so every page credits Stack Exchange content as CC BY-SA requires.
    imported_from = models.CharField(max_length=200, blank=True, default="")
    # Whether generative AI helped, as the writer of the current revision declared it
    # (posts/ai_use.py): "none", "language", "content", or "" when nobody declared anything
    # (older posts, a Stack Exchange dump, an API client that did not say).
    ai_disclosure = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["post_type", "-creation_date"], name="post_type_created_idx"),
            models.Index(fields=["post_type", "-last_activity_date"], name="post_type_active_idx"),
            models.Index(fields=["post_type", "-score"], name="post_type_score_idx"),
            models.Index(fields=["parent", "-score"], name="post_parent_score_idx"),
            # A user's posts of a type, newest first: besides everything (owner, post_type) served,
            # the AI-flag evidence reads a user's posts of the last day and their latest answers
            # from the index, however many posts the user has (moderation/ai_evidence.py).
            models.Index(
                fields=["owner", "post_type", "-creation_date"], name="post_owner_type_created_idx"
            ),
            # Search reads these columns of thousands of posts by id (the engine's matches, a
            # tag's posts) to filter and order them: from this narrow index rather than the
            # rows, whose bodies make the table twenty times larger (measured at 1,000,000
            # posts on SQLite: a tag's newest unanswered questions 394 -> 33 ms).
            models.Index(
                fields=[
                    "id",
                    "post_type",
                    "deletion_date",
                    "parent",
                    "score",
                    "creation_date",
                    "last_activity_date",
                    "answer_count",
                ],
                name="post_search_facts_idx",
            ),
            # Few posts are deleted or closed: these partial indexes let /tools list recent
            # deletions and the Community user's clean-up find closed questions without reading
            # the table (issue 16).
            models.Index(
                fields=["-deletion_date", "-id"],
                condition=models.Q(deletion_date__isnull=False),
                name="post_deleted_idx",
            ),
            # The question lists' orders over live questions only (core/listing.py): the ids
            # of any page from the index alone, without reading a row.
            *(
                models.Index(
                    fields=[column, "-id"],
                    condition=models.Q(post_type=PostType.QUESTION, deletion_date__isnull=True)
                    & extra,
                    name=name,
                )
                for column, extra, name in (
                    ("-creation_date", models.Q(), "question_live_created_idx"),
                    ("-last_activity_date", models.Q(), "question_live_active_idx"),
                    ("-score", models.Q(), "question_live_score_idx"),
                    ("-creation_date", models.Q(answer_count=0), "question_unanswered_idx"),
                )
            ),
            models.Index(
                fields=["closed_date"],
                condition=models.Q(closed_date__isnull=False),
                name="post_closed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"post {self.id}"

    @property
    def is_question(self) -> bool:
        return self.post_type == PostType.QUESTION

    @property
    def is_answer(self) -> bool:
        return self.post_type == PostType.ANSWER

    @property
    def is_deleted(self) -> bool:
        return self.deletion_date is not None

    @property
    def tag_names(self) -> list[str]:
        return parse_tags(self.tags)


def parse_tags(raw: str) -> list[str]:
    """Both dump tag formats: `<a><b>` (to 2024) and `|a|b|` (2025 on)."""
    raw = (raw or "").strip()
    if not raw:
        return []
    if raw.startswith("|"):
        return [name for name in raw.split("|") if name]
    return [name for name in raw.strip("<>").split("><") if name]


def format_tags(names: list[str]) -> str:
    return "".join(f"<{name}>" for name in names)


class PostHistory(models.Model):
    """One row of the dump's PostHistory: rows written by one action share a revision GUID."""

    id = models.BigAutoField(primary_key=True)
    post_history_type = models.SmallIntegerField(choices=PostHistoryType.choices)
    # No index of its own: history_post_date_idx leads with it.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="history", db_index=False)
    revision_guid = models.CharField(max_length=36)
    creation_date = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_display_name = models.CharField(max_length=40, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    text = models.TextField(blank=True, default="")
    content_license = models.CharField(max_length=20, blank=True, default="")
    # The AI-use disclosure of the revision this row belongs to (posts/ai_use.py); "" when
    # not declared. Not in the dump's PostHistory: exported dumps leave it out.
    ai_disclosure = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["post", "creation_date"], name="history_post_date_idx")]


class PostLink(models.Model):
    id = models.BigAutoField(primary_key=True)
    creation_date = models.DateTimeField(default=timezone.now)
    # Dumps keep links whose ends were deleted; the constraint would reject real data.
    post = models.ForeignKey(
        Post, on_delete=models.DO_NOTHING, related_name="links_out", db_constraint=False
    )
    related_post = models.ForeignKey(
        Post, on_delete=models.DO_NOTHING, related_name="links_in", db_constraint=False
    )
    link_type = models.SmallIntegerField(choices=LinkType.choices)

    class Meta:
        indexes = [
            models.Index(fields=["post"], name="postlink_post_idx"),
            models.Index(fields=["related_post"], name="postlink_related_idx"),
        ]


class SuggestedEdit(models.Model):
    """An edit proposed by a user below the edit privilege, waiting for reviewers (spec §5.2).

    Shaped like the API's suggested_edit: the proposed title, body and tags in full.
    """

    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="suggested_edits")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    approval_date = models.DateTimeField(null=True, blank=True)
    rejection_date = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=250, blank=True, default="")
    body_markdown = models.TextField(blank=True, default="")
    tags = models.CharField(max_length=250, blank=True, default="")
    comment = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["approval_date", "rejection_date"], name="suggested_edit_state_idx"
            )
        ]

    @property
    def is_pending(self) -> bool:
        return self.approval_date is None and self.rejection_date is None


class SuggestedEditReview(models.Model):
    APPROVE = "approve"
    REJECT = "reject"

    suggested_edit = models.ForeignKey(
        SuggestedEdit, on_delete=models.CASCADE, related_name="reviews"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=10, choices=[(APPROVE, APPROVE), (REJECT, REJECT)])
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggested_edit", "user"], name="suggested_edit_review_once"
            )
        ]


class PostSubmission(models.Model):
    """The form token of an ask or answer: a second submit of the same form finds the first post.

    A unique row written in the same transaction as the post, so double submission creates one
    post even across server processes.
    """

    token = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="post_submission_once")
        ]


class QuestionView(models.Model):
    """A visitor's last counted view of a question, so that reloads within the view window do not
    count again (spec §10.3). Kept in the database, which every web process sees: a memory per
    process counted one visitor once in each process. `visitor` is a keyed hash of the user id or
    address, never the address itself; rows older than the window are swept away."""

    id = models.BigAutoField(primary_key=True)
    question_id = models.BigIntegerField()  # no foreign key: a view must never hold up a delete
    visitor = models.CharField(max_length=32)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question_id", "visitor"], name="question_view_once")
        ]
        indexes = [models.Index(fields=["seen_at"], name="question_view_seen_idx")]


class ThreadVersion(models.Model):
    """How many times what a question's page shows has changed (posts/thread_version.py): the
    key under which each web process keeps the thread's rendered HTML. A row of its own rather
    than a column of the question: every write to the thread bumps it last in its transaction,
    so it never waits behind, or holds up, the post rows the write locked first."""

    question_id = models.BigIntegerField(primary_key=True)  # no foreign key, as QuestionView
    version = models.BigIntegerField(default=0)
