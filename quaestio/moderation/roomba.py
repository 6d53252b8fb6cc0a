"""The Community user's jobs (spec §7.7, §7.11): the three clean-up deletions ("Roomba") and
the hourly bump of an old unanswered question.

Candidates are found by one set-based query per rule (indexes: the post type and score index,
the partial index of closed questions); each candidate is then locked and deleted through the
deletion service, as the Community user (-1), with its PostHistory row, in its own transaction
so a post that changed meanwhile is checked again under the lock.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.moderation import rules
from quaestio.moderation.deletion import community_delete
from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState
from quaestio.posts.models import (
    DUPLICATE_REASONS,
    Post,
    PostHistory,
    PostHistoryType,
    PostType,
)
from quaestio.posts.revising import history_row, new_guid
from quaestio.votes.models import Vote, VoteType

BATCH = 1_000  # most posts one rule deletes per run; the next run takes the rest


def _live_questions(only: int | None = None):
    """Live, unlocked questions; `only` narrows the search to one post (the re-check under
    the lock uses the rule's own query)."""
    posts = Post.objects.filter(
        post_type=PostType.QUESTION, deletion_date__isnull=True, locked_date__isnull=True
    )
    return posts if only is None else posts.filter(id=only)


def _not_migrated_in():
    return ~Exists(
        PostHistory.objects.filter(
            post_id=OuterRef("id"), post_history_type=PostHistoryType.POST_MIGRATED_HERE
        )
    )


def dead_questions(now: datetime, only: int | None = None) -> list[int]:
    """RemoveDeadQuestions: older than 30 days, score -1 or less counting only downvotes older
    than 2 days, no answers, not locked, not migrated here."""
    recent_downs = (
        Vote.objects.filter(
            post_id=OuterRef("id"),
            vote_type=VoteType.DOWN_MOD,
            creation_date__gt=now - rules.DEAD_DOWNVOTE_AGE,
        )
        .values("post_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        _live_questions(only)
        .filter(score__lte=-1, creation_date__lt=now - rules.DEAD_QUESTION_AGE)
        .filter(Q(answer_count=0) | Q(answer_count__isnull=True))
        .filter(_not_migrated_in())
        .annotate(recent_downs=Coalesce(Subquery(recent_downs), 0))
        .filter(score__lte=-1 - F("recent_downs"))  # the score without the newest downvotes
        .values_list("id", flat=True)
    )
    return list(rows[:BATCH])


def abandoned_questions(now: datetime, only: int | None = None) -> list[int]:
    """RemoveAbandonedQuestions: older than 365 days, score 0 or less (1 or less when the owner
    is gone), no answers, not locked, at most 1.5 views per day of age, at most one comment."""
    # views <= 1.5 x age in days  <=>  created at least views / 1.5 days (16 hours a view) ago
    per_view = timedelta(days=1) / rules.ABANDONED_VIEWS_PER_DAY
    views_age = ExpressionWrapper(
        Coalesce(F("view_count"), 0) * per_view, output_field=DurationField()
    )
    viewed_enough = ExpressionWrapper(F("creation_date") + views_age, output_field=DateTimeField())
    return list(
        _live_questions(only)
        .filter(creation_date__lt=now - rules.ABANDONED_QUESTION_AGE)
        .filter(Q(score__lte=0) | Q(score__lte=1, owner__isnull=True))
        .filter(Q(answer_count=0) | Q(answer_count__isnull=True))
        .filter(comment_count__lte=rules.ABANDONED_MAX_COMMENTS)  # the counter of live ones
        .alias(viewed_enough=viewed_enough)
        .filter(viewed_enough__lte=now)
        .values_list("id", flat=True)[:BATCH]
    )


def abandoned_closed(now: datetime, only: int | None = None) -> list[int]:
    """RemoveAbandonedClosed: closed more than 9 days ago not as a duplicate, score 0 or less,
    not locked, no answer scored above 0, no accepted answer, no pending reopen votes, not
    edited in the past 9 days, not migrated here."""
    cutoff = now - rules.ABANDONED_CLOSED_AGE
    good_answer = Post.objects.filter(
        parent_id=OuterRef("id"), score__gt=0, deletion_date__isnull=True
    )
    reopen_votes = CloseVote.objects.filter(
        question_id=OuterRef("id"),
        kind=CloseVoteKind.REOPEN,
        state=CloseVoteState.PENDING,
        creation_date__gte=now - rules.VOTE_AGING,
    )
    return list(
        _live_questions(only)
        .filter(closed_date__isnull=False, closed_date__lt=cutoff, score__lte=0)
        .exclude(close_reason__in=DUPLICATE_REASONS)
        .filter(accepted_answer__isnull=True)
        .filter(Q(last_edit_date__isnull=True) | Q(last_edit_date__lt=cutoff))
        .filter(~Exists(good_answer), ~Exists(reopen_votes), _not_migrated_in())
        .values_list("id", flat=True)[:BATCH]
    )


ROOMBA_RULES = {
    "RemoveDeadQuestions": dead_questions,
    "RemoveAbandonedQuestions": abandoned_questions,
    "RemoveAbandonedClosed": abandoned_closed,
}


def roomba_run(now: datetime | None = None, rules_to_run=None) -> dict[str, int]:
    """Run the clean-up rules; returns how many questions each deleted."""
    now = now or timezone.now()
    counts = {}
    for name, find in ROOMBA_RULES.items():
        if rules_to_run is not None and name not in rules_to_run:
            continue
        deleted = 0
        for post_id in find(now):
            if _delete_if_still(name, post_id, now):
                deleted += 1
        counts[name] = deleted
    return counts


def _delete_if_still(name: str, post_id: int, now: datetime) -> bool:
    """Lock the question, check the rule again (it may have changed since the search), delete."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(id=post_id).first()
        if post is None or not ROOMBA_RULES[name](now, only=post_id):
            return False
        community_delete(post, now, name)
        return True


# Bumping (spec §7.11)


def bump_question(now: datetime | None = None, rng: random.Random | None = None) -> int | None:
    """Community bumps one old question with no accepted or upvoted answer into the active
    list: its last_activity_date becomes now, with a PostHistory type 50 row. Picks at random
    by probing from a random id, so it reads a few rows through the primary key, not the
    table. Returns the question's id, or None when none qualifies."""
    now = now or timezone.now()
    rng = rng or random.Random()
    upvoted = Post.objects.filter(parent_id=OuterRef("id"), score__gt=0)
    candidates = (
        Post.objects.filter(
            post_type=PostType.QUESTION,
            deletion_date__isnull=True,
            closed_date__isnull=True,
            locked_date__isnull=True,
            accepted_answer__isnull=True,
            last_activity_date__lt=now - rules.BUMP_MIN_AGE,
        )
        .filter(~Exists(upvoted))
        .values_list("id", flat=True)
    )
    bounds = Post.objects.filter(post_type=PostType.QUESTION).order_by("id")
    low = bounds.values_list("id", flat=True).first()
    high = bounds.reverse().values_list("id", flat=True).first()
    if low is None:
        return None
    probe = rng.randint(low, high)
    chosen = candidates.filter(id__gte=probe).order_by("id").first()
    if chosen is None:
        chosen = candidates.filter(id__lt=probe).order_by("-id").first()
    if chosen is None:
        return None
    with transaction.atomic():
        post = Post.objects.select_for_update().get(id=chosen)
        community = User.objects.filter(id=COMMUNITY_USER_ID).first()
        Post.objects.filter(id=post.id).update(last_activity_date=now)
        history_row(
            post, PostHistoryType.BUMPED_BY_COMMUNITY, new_guid(), community, now, ""
        ).save()
    return chosen
