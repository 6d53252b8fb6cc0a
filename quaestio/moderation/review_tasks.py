"""Putting a post in a review queue, for every room that sends posts there (spec §7.9).

The review room decides what reviewers see and do; this is the one way in, idempotent: a
post already pending in a queue is not queued twice, whoever sends it again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from quaestio.moderation.models import ReviewQueue, ReviewTask, ReviewTaskState


def enqueue_for_review(
    queue: ReviewQueue | str, post_id: int, *, reason: str = "", at: datetime | None = None
) -> ReviewTask:
    """The pending task of `post_id` in `queue`, created if there is none.

    Safe under concurrency: two requests queuing the same post at once leave one task (the
    partial unique constraint decides; the loser reads the winner's row).
    """
    queue = ReviewQueue(queue)
    pending = ReviewTask.objects.filter(queue=queue, post_id=post_id, state=ReviewTaskState.PENDING)
    task = pending.first()
    if task is not None:
        return task
    try:
        with transaction.atomic():
            return ReviewTask.objects.create(
                queue=queue,
                post_id=post_id,
                reason=reason[:200],
                creation_date=at or timezone.now(),
            )
    except IntegrityError:
        return pending.get()


def close_review_tasks(
    post_id: int,
    *,
    queues: tuple[ReviewQueue, ...] | None = None,
    state: ReviewTaskState = ReviewTaskState.INVALIDATED,
    outcome: str = "",
    at: datetime | None = None,
) -> int:
    """End the post's pending tasks (in `queues`, or all of them); returns how many ended.

    Called when the post leaves a queue some other way: closed or reopened outside the
    queue, deleted, edited out of the low-quality queue.
    """
    pending = ReviewTask.objects.filter(post_id=post_id, state=ReviewTaskState.PENDING)
    if queues is not None:
        pending = pending.filter(queue__in=[ReviewQueue(q) for q in queues])
    return pending.update(state=state, outcome=outcome[:40], completed_date=at or timezone.now())
