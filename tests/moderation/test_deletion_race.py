"""Delete-vote races with real threads: three (or six) 10k users voting at the same moment
delete the question once. PostgreSQL: real row locks. SQLite: the races run in a separate
pytest process whose test database is a file, as tests/votes/test_concurrency.py does (the
suite's in-memory SQLite refuses a second writer at once)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quaestio.moderation.deletion import delete_vote_cast, undelete_vote_cast
from quaestio.moderation.models import DeletionVote, DeletionVoteState
from quaestio.posts.models import Post, PostHistory
from quaestio.votes.models import Vote
from tests.moderation.support import question, user, voters
from tests.votes.conftest import SQLITE_FILE, rerun_on_sqlite_file
from tests.votes.test_concurrency import run_at_once

IN_MEMORY_SQLITE = connection.vendor == "sqlite" and not os.environ.get(SQLITE_FILE)
pytestmark = pytest.mark.django_db(transaction=True)
racing = pytest.mark.skipif(
    IN_MEMORY_SQLITE, reason="run by test_the_races_on_a_sqlite_file, in a separate process"
)


def closed_question() -> Post:
    return question(user(10), closed_date=timezone.now() - timedelta(days=3), close_reason=103)


@racing
def test_three_delete_voters_at_once_delete_it_once():
    """Exactly three voters at once: all three votes count and the question is deleted once,
    one PostHistory 12 naming the three."""
    q = closed_question()
    results = run_at_once([lambda v=v: delete_vote_cast(v, q.id) for v in voters(3, 10_000)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.action for r in results) == ["deleted", "voted", "voted"]
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=12).count() == 1
    assert DeletionVote.objects.filter(post=q, state=DeletionVoteState.APPLIED).count() == 3
    assert Post.objects.get(id=q.id).deletion_date is not None


@racing
def test_six_delete_voters_at_once_leave_three_votes():
    """Six at once: the late three are refused (already deleted) and leave no vote."""
    q = closed_question()
    results = run_at_once([lambda v=v: delete_vote_cast(v, q.id) for v in voters(6, 10_000)])
    assert len([r for r in results if isinstance(r, Exception)]) == 3
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=12).count() == 1
    assert Vote.objects.filter(post=q, vote_type=10).count() == 3


@racing
def test_one_voter_pressing_many_times_at_once_votes_once():
    q = closed_question()
    voter = user(10_000)
    results = run_at_once([lambda: delete_vote_cast(voter, q.id) for _ in range(6)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert DeletionVote.objects.filter(post=q).count() == 1
    assert Vote.objects.filter(post=q, vote_type=10).count() == 1


@racing
def test_three_undelete_voters_at_once_undelete_it_once():
    q = closed_question()
    delete_vote_cast(user(1, is_moderator=True), q.id)
    results = run_at_once([lambda v=v: undelete_vote_cast(v, q.id) for v in voters(3, 10_000)])
    assert sorted(r.action for r in results) == ["undeleted", "voted", "voted"]
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=13).count() == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite" or not IN_MEMORY_SQLITE,
    reason="the SQLite file run of the races; PostgreSQL runs them directly",
)
def test_the_races_on_a_sqlite_file(tmp_path):
    """Every race above, in a pytest process whose SQLite test database is a file."""
    progress = rerun_on_sqlite_file(__file__, tmp_path)  # one "." per race passed
    assert progress.count(".") == 4 and set(progress) == {".", "s"}, progress
