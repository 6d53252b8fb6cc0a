"""Concurrent and retried votes, accepts and comment votes: real threads, each with its own
database connection, through the services and through real requests to the API and the pages.

PostgreSQL: real row locks (`select_for_update` on the post, then the users). SQLite: every
write transaction begins IMMEDIATE, so the read of the standing vote and the write serialise
behind the database's write lock. The suite's SQLite test database lives in memory, where a
second writer fails at once instead of waiting; on SQLite these tests therefore run in a
separate pytest process whose test database is a file (tests/votes/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from quaestio.api.services import token_create
from quaestio.comments.models import Comment
from quaestio.core.errors import DomainError
from quaestio.posts.models import Post
from quaestio.reputation.models import ReputationChange
from quaestio.votes.models import CommentVote, Vote, VoteType
from quaestio.votes.services import vote_set
from tests.votes.conftest import SQLITE_FILE
from tests.votes.factories import make_answer, make_question, make_user

IN_MEMORY_SQLITE = connection.vendor == "sqlite" and not os.environ.get(SQLITE_FILE)
pytestmark = pytest.mark.django_db(transaction=True)
racing = pytest.mark.skipif(
    IN_MEMORY_SQLITE, reason="run by test_the_races_on_a_sqlite_file, in a separate process"
)

THREADS = 24
REQUESTS = 8  # concurrent HTTP requests: enough to race, few enough for a 2-core machine


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


def rep(user) -> int:
    user.refresh_from_db()
    return user.reputation


@racing
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
    assert question.score == THREADS == Vote.objects.filter(post=question, vote_type=2).count()
    assert rep(owner) == 201
    assert sum(ReputationChange.objects.filter(user=owner).values_list("amount", flat=True)) == 200


@racing
def test_one_voter_sending_the_same_vote_many_times_at_once():
    """The same upvote posted 24 times at once: one vote stands, cast once, +10 once."""
    owner = make_user(1)
    question = make_question(owner)
    voter = make_user(200)
    results = run_at_once([lambda: vote_set(voter, question.id, "up") for _ in range(THREADS)])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(r.action for r in results).count("cast") == 1
    question.refresh_from_db()
    assert question.score == 1 == Vote.objects.filter(post=question).count()
    assert rep(owner) == 11


@racing
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
    assert rep(owner) == 201
    assert sum(Post.objects.filter(owner=owner).values_list("score", flat=True)) == THREADS


@racing
def test_retractions_racing_near_the_floor_end_at_one():
    """Issue 15.2 with the retractions at once: one upvote and two downvotes on a new user's
    question, retracted together, leave the owner at 1."""
    owner = make_user(1)
    question = make_question(owner)
    voters = [make_user(200) for _ in range(3)]
    for voter, direction in zip(voters, ("up", "down", "down"), strict=True):
        vote_set(voter, question.id, direction)
    results = run_at_once(
        [lambda voter=voter: vote_set(voter, question.id, None) for voter in voters]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert rep(owner) == 1 and not Vote.objects.filter(post=question).exists()


# --- real requests --------------------------------------------------------------------------


def api_post(secret: str, path: str):
    def send():
        response = Client().post(f"/2.3/{path}", {"access_token": secret})
        return response.status_code, response.content

    return send


def token_for(user) -> str:
    return token_create(user, name="bot", scopes=["write_access", "no_expiry"])[1]


def all_succeeded(results) -> bool:
    return all(
        not isinstance(r, Exception) and r[0] == 200 and b"error_id" not in r[1] for r in results
    )


@racing
def test_api_upvote_sent_concurrently_and_retried_stays_one_upvote():
    """POST /2.3/questions/{id}/upvote eight times at once: every call succeeds and one upvote
    stands (it used to read the state outside the lock and toggle: pairs retracted each other).
    Then /upvote/undo eight times at once: every call succeeds and no upvote stands."""
    owner, voter = make_user(1), make_user(200)
    question = make_question(owner)
    secret = token_for(voter)
    results = run_at_once([api_post(secret, f"questions/{question.id}/upvote")] * REQUESTS)
    assert all_succeeded(results), results
    assert Vote.objects.filter(post=question, vote_type=VoteType.UP_MOD).count() == 1
    question.refresh_from_db()
    assert question.score == 1 and rep(owner) == 11
    results = run_at_once([api_post(secret, f"questions/{question.id}/upvote/undo")] * REQUESTS)
    assert all_succeeded(results), results
    assert not Vote.objects.filter(post=question).exists()
    question.refresh_from_db()
    assert question.score == 0 and rep(owner) == 1


@racing
def test_api_accept_sent_concurrently_accepts_once():
    """/answers/{id}/accept eight times at once: accepted once, +15 and +2 once."""
    asker, answerer = make_user(1), make_user(1)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    secret = token_for(asker)
    results = run_at_once([api_post(secret, f"answers/{answer.id}/accept")] * REQUESTS)
    assert all_succeeded(results), results
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.id
    assert Vote.objects.filter(post=answer, vote_type=VoteType.ACCEPTED_BY_ORIGINATOR).count() == 1
    assert (rep(answerer), rep(asker)) == (16, 3)
    results = run_at_once([api_post(secret, f"answers/{answer.id}/accept/undo")] * REQUESTS)
    assert all_succeeded(results), results
    question.refresh_from_db()
    assert question.accepted_answer_id is None and (rep(answerer), rep(asker)) == (1, 1)


@racing
def test_api_comment_upvote_sent_concurrently_counts_once():
    """/comments/{id}/upvote eight times at once: one comment vote, score 1."""
    comment = Comment.objects.create(
        post=make_question(make_user(1)), user=make_user(1), text="a useful comment"
    )
    secret = token_for(make_user(200))
    results = run_at_once([api_post(secret, f"comments/{comment.id}/upvote")] * REQUESTS)
    assert all_succeeded(results), results
    comment.refresh_from_db()
    assert comment.score == 1 == CommentVote.objects.filter(comment=comment).count()


@racing
def test_vote_form_posted_concurrently_with_intent_stays_one_upvote():
    """The page's vote form (intent=up) posted eight times at once leaves one upvote."""
    owner, voter = make_user(1), make_user(200)
    question = make_question(owner)

    def post_form():
        client = Client()
        client.force_login(voter)
        response = client.post(
            f"/posts/{question.id}/vote/up", {"intent": "up"}, HTTP_ACCEPT="application/json"
        )
        return response.status_code, response.content

    results = run_at_once([post_form] * REQUESTS)
    assert all(r[0] == 200 for r in results), results
    assert Vote.objects.filter(post=question).count() == 1 and rep(owner) == 11


@pytest.mark.skipif(not IN_MEMORY_SQLITE, reason="the races run in this process")
def test_the_races_on_a_sqlite_file(tmp_path):
    """Every test above, in a pytest process whose SQLite test database is a file."""
    env = {**os.environ, SQLITE_FILE: str(tmp_path / "races.sqlite3")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:warnings",
            "-p",
            "no:cacheprovider",
            __file__,
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    progress = result.stdout.split("[")[0].strip()  # one "." per race passed, "s" for this one
    assert progress.count(".") == 8 and set(progress) == {".", "s"}, result.stdout
