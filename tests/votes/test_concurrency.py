"""Concurrent votes never lose or double-count (PostgreSQL: real row locks, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from quaestio.core.errors import DomainError
from quaestio.posts.models import Post
from quaestio.reputation.models import ReputationChange
from quaestio.votes.models import Vote
from quaestio.votes.services import vote_set
from tests.votes.factories import make_question, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write behind one database lock; the race needs PostgreSQL",
    ),
]

THREADS = 24


def run_at_once(jobs) -> list[object]:
    """Start every job together behind a barrier; collect results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except (DomainError, Exception) as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_many_voters_on_one_post_at_once():
    """24 voters upvote one question together: score 24, 24 rows, owner capped at exactly +200."""
    owner = make_user(1)
    question = make_question(owner)
    voters = [make_user(200) for _ in range(THREADS)]
    results = run_at_once(
        [lambda voter=voter: vote_set(voter, question.id, "up") for voter in voters]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    question.refresh_from_db()
    owner.refresh_from_db()
    assert question.score == THREADS == Vote.objects.filter(post=question, vote_type=2).count()
    assert owner.reputation == 201
    assert sum(ReputationChange.objects.filter(user=owner).values_list("amount", flat=True)) == 200


def test_one_voter_clicking_many_times_at_once():
    """The same vote posted 24 times at once toggles cleanly: score always equals the rows."""
    owner = make_user(1)
    question = make_question(owner)
    voter = make_user(200)
    results = run_at_once([lambda: vote_set(voter, question.id, "up") for _ in range(THREADS)])
    assert not [r for r in results if isinstance(r, Exception)]
    question.refresh_from_db()
    owner.refresh_from_db()
    rows = Vote.objects.filter(post=question).count()
    assert question.score == rows == 0  # an even number of toggles
    assert owner.reputation == 1


def test_cap_holds_when_votes_on_different_posts_race():
    """Votes on 24 different posts of one owner at once: the daily cap still holds at 200."""
    owner = make_user(1)
    posts = [make_question(owner) for _ in range(THREADS)]
    voters = [make_user(200) for _ in range(THREADS)]
    results = run_at_once(
        [
            lambda voter=voter, post=post: vote_set(voter, post.id, "up")
            for voter, post in zip(voters, posts, strict=True)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    owner.refresh_from_db()
    assert owner.reputation == 201
    assert sum(Post.objects.filter(owner=owner).values_list("score", flat=True)) == THREADS
