"""How posts enter and leave the review queues (spec §7.9), for the rooms that cause it.

- A new user's first question or answer enters the first-posts queue (a second or third too
  while every earlier one failed); an answer a new user gives to an old question enters the
  late-answers queue. The posts room announces each ask and answer after commit
  (`posts.events.post_written`); `on_post_written` reacts.
- A deleted post leaves every queue (its tasks end as invalidated; an answer's go with its
  question's).
- The close and reopen queues are fed and emptied by the closing services themselves
  (`moderation.services`), inside their transactions: `close_queue_entered`,
  `closing_decided`.
"""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone

from quaestio.moderation import review_rules
from quaestio.moderation.models import ReviewQueue, ReviewTask, ReviewTaskState
from quaestio.moderation.review_tasks import close_review_tasks, enqueue_for_review
from quaestio.posts.models import Post, PostType

log = logging.getLogger(__name__)


def on_post_written(sender, post_id: int, action: str, **kwargs) -> None:
    """Receiver of `post_written` (connected in moderation.apps). After commit: a failure here
    is logged and cannot undo the post."""
    try:
        if action in ("ask", "answer"):
            new_post_entered(post_id)
        elif action == "delete":
            post_deleted(post_id)
    except Exception:  # noqa: BLE001 - the write is committed; the queues must not break it
        log.exception("review queue hook failed for post %s (%s)", post_id, action)


def new_post_entered(post_id: int) -> ReviewTask | None:
    """Queue a new question or answer if it is one of a new user's first posts, or a late
    answer from a new user. Returns the task, or None when the post enters no queue."""
    post = Post.objects.select_related("owner", "parent").filter(id=post_id).first()
    if post is None or post.deletion_date is not None or post.owner_id is None:
        return None
    if post.owner_id < 0:  # the Community user posts nothing to review
        return None
    queue = ReviewQueue.FIRST_QUESTIONS if post.is_question else ReviewQueue.FIRST_ANSWERS
    if _is_early_post(post):
        return enqueue_for_review(queue, post.id, reason="First post", at=post.creation_date)
    if post.is_answer and _is_late_answer(post):
        return enqueue_for_review(
            ReviewQueue.LATE_ANSWERS, post.id, reason="Late answer", at=post.creation_date
        )
    return None


def _is_early_post(post: Post) -> bool:
    """The owner's first post of this type; or their second or third while each earlier one
    failed (deleted, closed, or scored below zero). Reads at most 3 earlier posts."""
    earlier = list(
        Post.objects.filter(owner_id=post.owner_id, post_type=post.post_type, id__lt=post.id)
        .order_by("id")
        .values("deletion_date", "closed_date", "score")[: review_rules.FIRST_POSTS_PER_USER]
    )
    if len(earlier) >= review_rules.FIRST_POSTS_PER_USER:
        return False
    return all(
        row["deletion_date"] is not None or row["closed_date"] is not None or row["score"] < 0
        for row in earlier
    )


def _is_late_answer(post: Post) -> bool:
    question = post.parent
    if question is None or question.post_type != PostType.QUESTION:
        return False
    if post.owner.reputation >= review_rules.late_answer_max_reputation():
        return False
    return post.creation_date - question.creation_date > review_rules.late_answer_age()


def post_deleted(post_id: int) -> int:
    """The post (and, for a question, its answers) leave every queue. Returns tasks ended."""
    now = timezone.now()
    ended = close_review_tasks(post_id, outcome="deleted", at=now)
    answers = ReviewTask.objects.filter(
        Q(post__parent_id=post_id), state=ReviewTaskState.PENDING
    ).values_list("post_id", flat=True)
    for answer_id in list(answers):
        ended += close_review_tasks(answer_id, outcome="question deleted", at=now)
    return ended


# Called by the closing services, inside their transactions (the question is locked)


def close_queue_entered(question_id: int, *, reopen: bool, now=None) -> ReviewTask:
    """The question's first standing close vote or flag (or reopen vote or request)."""
    queue = ReviewQueue.REOPEN if reopen else ReviewQueue.CLOSE
    reason = "Reopen vote" if reopen else "Close vote"
    return enqueue_for_review(queue, question_id, reason=reason, at=now)


def closing_decided(question_id: int, *, closed: bool, now=None) -> int:
    """The question was closed (or reopened), through the queue or not: the item of that
    queue is completed with that outcome."""
    queue = ReviewQueue.CLOSE if closed else ReviewQueue.REOPEN
    return close_review_tasks(
        question_id,
        queues=(queue,),
        state=ReviewTaskState.COMPLETED,
        outcome="closed" if closed else "reopened",
        at=now,
    )


def votes_gone(question_id: int, *, reopen: bool, now=None) -> int:
    """Every close (or reopen) vote and flag aged away or was retracted: the item leaves."""
    queue = ReviewQueue.REOPEN if reopen else ReviewQueue.CLOSE
    return close_review_tasks(question_id, queues=(queue,), outcome="votes gone", at=now)


def sweep_voteless(now=None) -> int:
    """The aging job's tidy-up: close and reopen items whose question has no standing vote or
    flag of that kind left leave their queue (set-wise, two statements)."""
    from django.db.models import Exists, OuterRef

    from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState

    now = now or timezone.now()
    ended = 0
    for queue, kind in (
        (ReviewQueue.CLOSE, CloseVoteKind.CLOSE),
        (ReviewQueue.REOPEN, CloseVoteKind.REOPEN),
    ):
        standing = CloseVote.objects.filter(
            question_id=OuterRef("post_id"), kind=kind, state=CloseVoteState.PENDING
        )
        ended += (
            ReviewTask.objects.filter(queue=queue, state=ReviewTaskState.PENDING)
            .exclude(Exists(standing))
            .update(state=ReviewTaskState.INVALIDATED, outcome="votes gone", completed_date=now)
        )
    return ended
