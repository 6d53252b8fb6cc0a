"""Rows for the review-queue tests: answers beside tests.moderation.support's users and
questions (plain ORM rows; the reviewing always goes through the services under test)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from quaestio.moderation.models import ReviewQueue, ReviewTask
from quaestio.moderation.review_tasks import enqueue_for_review
from quaestio.posts.models import Post, PostType
from tests.moderation.support import question, user


def answer(parent: Post, owner=None, **extra) -> Post:
    created = extra.pop("creation_date", timezone.now() - timedelta(hours=1))
    return Post.objects.create(
        post_type=PostType.ANSWER,
        parent=parent,
        owner=owner or user(1),
        body="<p>An answer long enough to be read by a reviewer.</p>",
        body_markdown="An answer long enough to be read by a reviewer.",
        creation_date=created,
        last_activity_date=created,
        **extra,
    )


def queued_answer(queue=ReviewQueue.FIRST_ANSWERS, **extra) -> ReviewTask:
    """An answer by a new user, in `queue` (enqueued directly, as another room would)."""
    return enqueue_for_review(queue, answer(question(user(10)), **extra).id, reason="test")


def reviewers(count: int, reputation: int = 3000) -> list:
    return [user(reputation) for _ in range(count)]
