from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Tag(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=35, unique=True)
    count = models.IntegerField(default=0)  # questions carrying the tag; recomputable
    excerpt_post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    wiki_post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    is_moderator_only = models.BooleanField(default=False)
    is_required = models.BooleanField(default=False)
    # The newest activity of a question carrying the tag (tags/activity.py): kept by triggers,
    # raised by the recount; None for a tag no question carried yet.
    last_activity_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The tags page orders by use, then name: the whole order from the index.
        indexes = [
            models.Index(fields=["-count", "name"], name="tag_count_name_idx"),
            # The API's tag lists order by their sort, then id (api/selectors.page_of), either
            # way: an index of each sort with the id, read forwards or backwards. (By count
            # the API used to read tag_count_name_idx and sort each count's ties: ascending,
            # the first tie is every tag with no live question.) Partial on a condition every
            # tag meets, which the API's lists name (api/views/tags.py): other reads by id
            # keep the primary key rather than scanning this small covering index.
            models.Index(
                fields=["count", "id"], condition=models.Q(count__gte=0), name="tag_count_id_idx"
            ),
            models.Index(fields=["last_activity_date", "id"], name="tag_activity_id_idx"),
            *(
                models.Index(
                    fields=[flag, "count", "id"], condition=models.Q(**{flag: True}), name=name
                )
                for flag, name in (
                    ("is_moderator_only", "tag_moderator_only_idx"),
                    ("is_required", "tag_required_idx"),
                )
            ),
            # The /tags filter box matches a prefix: LIKE 'x%' on PostgreSQL needs the pattern
            # operator class whatever the database's collation (SQLite reads a name range
            # from the unique index instead, tags/selectors_lists.py).
            models.Index(
                fields=["name"], name="tag_name_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PostTag(models.Model):
    """Which question carries which tag, in the order the question lists them."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="post_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="post_tags")
    position = models.SmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="post_tag_unique")]
        indexes = [models.Index(fields=["tag", "post"], name="post_tag_tag_idx")]


class SynonymState(models.TextChoices):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class TagSynonym(models.Model):
    """`source` is another name for `target` (spec §5.1): proposed by a user with score in the
    target tag, voted on by others with score there; once approved, questions carrying the
    source are retagged with the target and new input naming the source gets the target.

    The source is a name, not a Tag row: the source tag may never have existed, and once its
    questions move it is left with none."""

    id = models.BigAutoField(primary_key=True)
    source = models.CharField(max_length=35)
    target = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="synonyms")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=SynonymState.choices, default=SynonymState.PROPOSED
    )
    score = models.IntegerField(default=0)  # net votes; recomputable from TagSynonymVote
    creation_date = models.DateTimeField(default=timezone.now)
    decision_date = models.DateTimeField(null=True, blank=True)
    # Questions still carrying the source after approval: the remap task counts it down.
    remap_remaining = models.IntegerField(default=0)
    applied_count = models.IntegerField(default=0)  # times new input was mapped (API field)
    last_applied_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One live synonym per source name: proposed or approved, never both twice.
            models.UniqueConstraint(
                fields=["source"],
                condition=~models.Q(state="rejected"),
                name="tag_synonym_live_source",
            )
        ]
        indexes = [
            models.Index(fields=["target", "state"], name="tag_synonym_target_idx"),
            # The API's list of synonyms, newest first: a page from the index, so the join
            # to tags probes a tag per synonym rather than reading every tag.
            models.Index(fields=["state", "creation_date", "id"], name="tag_synonym_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target_id}"


class TagSynonymVote(models.Model):
    synonym = models.ForeignKey(TagSynonym, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()  # +1 or -1
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["synonym", "user"], name="tag_synonym_vote_once")
        ]


class TagPreference(models.Model):
    """A user's watched or ignored tag (spec §10): watched questions are highlighted and
    gathered in a tab, ignored ones greyed out or hidden; the inbox digests watched tags."""

    WATCHED = "watched"
    IGNORED = "ignored"
    KINDS = ((WATCHED, "watched"), (IGNORED, "ignored"))

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_preferences"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="preferences")
    kind = models.CharField(max_length=10, choices=KINDS)
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="tag_preference_once")]
        indexes = [models.Index(fields=["tag", "kind"], name="tag_preference_tag_idx")]


class TagDisplaySetting(models.Model):
    """How a user's ignored tags show in question lists: greyed out (the default) or hidden."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="tag_display",
    )
    hide_ignored = models.BooleanField(default=False)


class UserTagScore(models.Model):
    """One person's standing in one tag, kept for the profile's tags tab and top tags (spec
    §3.6): the score and number of their live answers to live questions carrying the tag, and
    their live posts (those answers and their live questions) in it. Changed in the
    transaction of each vote, post, retag and deletion (tags/user_scores.py), rebuilt by
    `quaestio recount` and after a dump import; a row whose post count falls to 0 is removed.
    """

    id = models.BigAutoField(primary_key=True)
    # No database constraints: the importer and account deletion write users and tags in bulk;
    # the recount removes rows whose user or tag is gone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    answer_score = models.IntegerField(default=0)
    answer_count = models.IntegerField(default=0)
    post_count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="user_tag_score_once")]
        # The tags tab by score, paged from the index whatever the person's history.
        indexes = [
            models.Index(
                fields=["user", "-answer_score", "-post_count", "tag"],
                name="user_tag_score_rank_idx",
            )
        ]


class TagPair(models.Model):
    """How many live questions carry both `tag` and `other`: the related tags of /2.3/tags/
    {tags}/related, kept as questions are asked, retagged, deleted and undeleted
    (tags/related.py, in the writer's transaction) and rebuilt by `quaestio recount` and after
    a dump import. Each pair is stored both ways, so a tag's related tags, the commonest first,
    are one range of the rank index however many questions the tag has; a pair whose count
    falls to 0 is removed."""

    id = models.BigAutoField(primary_key=True)
    # No database constraints, as UserTagScore: the importer writes tags in bulk; the rebuild
    # removes pairs whose tags are gone.
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    other = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "other"], name="tag_pair_once")]
        indexes = [
            models.Index(fields=["tag", "-count", "other"], name="tag_pair_rank_idx"),
        ]
