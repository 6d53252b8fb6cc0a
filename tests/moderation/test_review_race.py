"""Review races with real threads: reviewers pressing the last needed review at the same
moment complete the item once. PostgreSQL: real row locks. SQLite: the races run in a
separate pytest process whose test database is a file (as tests/moderation/
test_deletion_race.py does; the suite's in-memory SQLite refuses a second writer at once)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from quaestio.core.errors import PermissionDenied
from quaestio.moderation.models import Review, ReviewQueue, ReviewTask, ReviewTaskState
from quaestio.moderation.reviewing import review_submit
from quaestio.posts.models import Post, PostHistory
from tests.moderation.review_support import queued_answer, reviewers
from tests.votes.conftest import SQLITE_FILE, rerun_on_sqlite_file
from tests.votes.test_concurrency import run_at_once

IN_MEMORY_SQLITE = connection.vendor == "sqlite" and not os.environ.get(SQLITE_FILE)
pytestmark = pytest.mark.django_db(transaction=True)
racing = pytest.mark.skipif(
    IN_MEMORY_SQLITE, reason="run by test_the_races_on_a_sqlite_file, in a separate process"
)


@racing
def test_two_reviewers_completing_the_last_review_at_once_complete_it_once():
    """Low quality needs 2 "Looks OK"; one stands; two more press together: one completes the
    item, the other is told it is completed and leaves no review."""
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    first, *racers = reviewers(3, 2000)
    review_submit(first, task.id, "looks-ok")
    results = run_at_once([lambda r=r: review_submit(r, task.id, "looks-ok") for r in racers])
    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(done) == 1 and done[0].completed
    assert len(refused) == 1 and isinstance(refused[0], PermissionDenied), refused
    assert "completed" in refused[0].message
    assert Review.objects.filter(task=task).count() == 2
    task.refresh_from_db()
    assert (task.state, task.outcome) == (ReviewTaskState.COMPLETED, "looks-ok")


@racing
def test_six_recommendations_at_once_delete_the_post_once():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    results = run_at_once(
        [lambda r=r: review_submit(r, task.id, "recommend-deletion") for r in reviewers(6, 2000)]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.completed) >= 1
    assert PostHistory.objects.filter(post_id=task.post_id, post_history_type=12).count() == 1
    assert Post.objects.get(id=task.post_id).deletion_date is not None
    assert ReviewTask.objects.get(id=task.id).outcome == "deleted"


@racing
def test_one_reviewer_pressing_many_times_at_once_reviews_once():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    (me,) = reviewers(1, 2000)
    results = run_at_once([lambda: review_submit(me, task.id, "looks-ok") for _ in range(5)])
    assert len([r for r in results if not isinstance(r, Exception)]) == 1, results
    assert Review.objects.filter(task=task).count() == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite" or not IN_MEMORY_SQLITE,
    reason="the SQLite file run of the races; PostgreSQL runs them directly",
)
def test_the_races_on_a_sqlite_file(tmp_path):
    """Every race above, in a pytest process whose SQLite test database is a file."""
    progress = rerun_on_sqlite_file(__file__, tmp_path)  # one "." per race passed
    assert progress.count(".") == 3 and set(progress) == {".", "s"}, progress
