"""The one way into a review queue, and the moderators' audit log (shared by every room)."""

from __future__ import annotations

import pytest

from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.models import ModeratorAction, ReviewQueue, ReviewTask, ReviewTaskState
from quaestio.moderation.review_tasks import close_review_tasks, enqueue_for_review

pytestmark = pytest.mark.django_db


def test_enqueue_is_idempotent_per_queue_and_post(ask):
    question = ask()
    first = enqueue_for_review(ReviewQueue.LOW_QUALITY, question.id, reason="very low quality")
    again = enqueue_for_review("low-quality-posts", question.id, reason="not an answer")
    other_queue = enqueue_for_review(ReviewQueue.CLOSE, question.id)
    assert again.id == first.id
    assert other_queue.id != first.id
    assert ReviewTask.objects.filter(post_id=question.id).count() == 2


def test_enqueue_refuses_an_unknown_queue(ask):
    with pytest.raises(ValueError):
        enqueue_for_review("no-such-queue", ask().id)
    assert not ReviewTask.objects.exists()


def test_closing_tasks_frees_the_post_to_enter_again(ask):
    question = ask()
    first = enqueue_for_review(ReviewQueue.REOPEN, question.id)
    enqueue_for_review(ReviewQueue.CLOSE, question.id)
    assert close_review_tasks(question.id, queues=(ReviewQueue.REOPEN,), outcome="reopened") == 1
    first.refresh_from_db()
    assert (first.state, first.outcome) == (ReviewTaskState.INVALIDATED, "reopened")
    assert ReviewTask.objects.get(queue="close").state == ReviewTaskState.PENDING
    assert enqueue_for_review(ReviewQueue.REOPEN, question.id).id != first.id


def test_audit_log_keeps_the_moderators_name(make_user):
    moderator = make_user(name="Mod Erator", is_moderator=True)
    row = record_moderator_action(moderator, "suspend", target_user_id=42, details="7 days")
    moderator.delete()
    row.refresh_from_db()
    assert (row.moderator_id, row.moderator_name, row.action) == (None, "Mod Erator", "suspend")
    assert ModeratorAction.objects.count() == 1
