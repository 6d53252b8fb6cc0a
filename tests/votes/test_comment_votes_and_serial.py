"""Comment upvotes (spec §4) and serial-voting reversal (spec §1.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaestio.comments.models import Comment
from quaestio.core.errors import PermissionDenied, RateLimited
from quaestio.reputation.models import ReputationChange
from quaestio.votes.models import CommentVote, Vote
from quaestio.votes.services import comment_vote_set, vote_set
from quaestio.votes.services.serial import reverse_serial_voting
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db


def make_comment(author=None):
    return Comment.objects.create(
        post=make_question(make_user(1)), user=author or make_user(1), text="a useful comment"
    )


def test_comment_upvote_counts_once_and_gives_no_reputation():
    """A comment upvote adds 1 to its score, once per voter, and moves no reputation."""
    author = make_user(1)
    comment = make_comment(author)
    voter = make_user(15)
    outcome = comment_vote_set(voter, comment.id, True)
    assert (outcome.score, outcome.voted) == (1, True)
    author.refresh_from_db()
    assert author.reputation == 1 and not ReputationChange.objects.exists()
    outcome = comment_vote_set(voter, comment.id, True)
    assert (outcome.score, outcome.voted, outcome.changed) == (1, True, False)
    outcome = comment_vote_set(voter, comment.id, False)
    assert (outcome.score, outcome.voted, outcome.changed) == (0, False, True)
    assert comment_vote_set(voter, comment.id, False).changed is False
    assert comment_vote_set(voter, comment.id, True, flip=True).voted is True
    assert comment_vote_set(voter, comment.id, True, flip=True).voted is False


def test_comment_upvote_needs_15_and_not_own_comment():
    """Comment upvotes need the upvote privilege and never on one's own comment."""
    author = make_user(500)
    comment = make_comment(author)
    with pytest.raises(PermissionDenied, match="own comment"):
        comment_vote_set(author, comment.id, True)
    with pytest.raises(PermissionDenied, match="15"):
        comment_vote_set(make_user(10), comment.id, True)
    assert not CommentVote.objects.exists()


def test_thirty_comment_votes_a_day():
    """The 31st comment upvote of the day is refused."""
    voter = make_user(15)
    comments = [make_comment() for _ in range(31)]
    for comment in comments[:30]:
        comment_vote_set(voter, comment.id, True)
    with pytest.raises(RateLimited, match="30"):
        comment_vote_set(voter, comments[30].id, True)


def test_serial_upvotes_are_reversed_with_their_reputation():
    """Five upvotes from one voter on one user's posts in a day are reversed by the daily job."""
    target, voter, fair = make_user(1), make_user(200), make_user(200)
    day = datetime(2026, 3, 2, 10, tzinfo=UTC)
    posts = [make_question(target) for _ in range(5)]
    for post in posts:
        vote_set(voter, post.id, "up", now=day)
    vote_set(fair, posts[0].id, "up", now=day)
    target.refresh_from_db()
    assert target.reputation == 61
    reversed_count = reverse_serial_voting(now=day + timedelta(days=1, hours=3))
    assert reversed_count == 5
    target.refresh_from_db()
    assert target.reputation == 11
    assert list(Vote.objects.values_list("user_id", flat=True)) == [fair.id]
    assert list(ReputationChange.objects.filter(user=target).values_list("vote_id", flat=True)) == [
        Vote.objects.get().id
    ]  # only the fair vote's event stands
    posts[0].refresh_from_db()
    assert posts[0].score == 1


def test_serial_downvotes_are_reversed_and_the_voter_refunded():
    """Serial downvoting on answers is reversed too; the voter's −1s come back."""
    target, voter = make_user(100), make_user(200)
    day = datetime(2026, 3, 2, 10, tzinfo=UTC)
    for _ in range(5):
        vote_set(voter, make_answer(make_question(make_user(1)), target).id, "down", now=day)
    reverse_serial_voting(now=day + timedelta(days=1))
    target.refresh_from_db()
    voter.refresh_from_db()
    assert (target.reputation, voter.reputation) == (100, 200)


def test_votes_below_the_threshold_are_kept():
    """Four votes in a day on one user's posts are not serial voting."""
    target, voter = make_user(1), make_user(200)
    day = datetime(2026, 3, 2, 10, tzinfo=UTC)
    for _ in range(4):
        vote_set(voter, make_question(target).id, "up", now=day)
    assert reverse_serial_voting(now=day + timedelta(days=1)) == 0
    assert Vote.objects.count() == 4


def test_daily_jobs_command(capsys):
    """`quaestio daily-jobs` runs bounties, serial voting and badges and says what it did."""
    from quaestio.votes.commands import daily_jobs

    assert daily_jobs(None) == 0
    out = capsys.readouterr().out
    assert "Bounties:" in out and "Serial voting:" in out and "Badges:" in out


def test_daily_tasks_run_through_the_task_backend():
    """The daily jobs are tasks too: enqueued, they run (immediate backend) and report."""
    from quaestio.votes.tasks import close_expired_bounties, reverse_serial_voting

    assert close_expired_bounties.enqueue().return_value == {"auto_awarded": 0, "expired": 0}
    assert reverse_serial_voting.enqueue().return_value == 0


def test_deleting_a_post_after_reversal_removes_nothing_twice():
    """A reversed vote's reputation is gone once; deleting the post later takes nothing more."""
    from quaestio.posts.services import post_delete, post_undelete
    from quaestio.votes.services import reverse_votes

    target, voter, moderator = make_user(50), make_user(200), make_user(1, is_moderator=True)
    question = make_question(target)
    vote_set(voter, question.id, "up")
    reverse_votes(list(Vote.objects.values_list("id", flat=True)))
    target.refresh_from_db()
    assert target.reputation == 50
    post_delete(moderator, question.id)
    target.refresh_from_db()
    assert target.reputation == 50
    post_undelete(moderator, question.id)
    target.refresh_from_db()
    assert target.reputation == 50


def test_votes_on_deleted_posts_are_reversed_without_taking_twice():
    """Reversing a vote on a deleted post takes nothing now (the deletion already took it)
    and leaves nothing to give back on undelete."""
    from quaestio.posts.services import post_delete, post_undelete
    from quaestio.votes.services import reverse_votes

    target, voter, moderator = make_user(1), make_user(200), make_user(1, is_moderator=True)
    question = make_question(target)
    vote_set(voter, question.id, "up")
    post_delete(moderator, question.id)
    assert reverse_votes(list(Vote.objects.values_list("id", flat=True))) == 1
    target.refresh_from_db()
    assert target.reputation == 1
    post_undelete(moderator, question.id)
    target.refresh_from_db()
    assert target.reputation == 1
