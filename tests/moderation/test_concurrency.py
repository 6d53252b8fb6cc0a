"""Closing races (PostgreSQL: real row locks, real threads): votes pressed at the same moment
close a question once, and a reopen vote crossing the closing vote never stands on an open
question."""

from __future__ import annotations

import pytest
from django.db import connection

from quaestio.core.errors import PermissionDenied
from quaestio.moderation import services
from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState
from quaestio.posts.models import Post, PostHistory
from tests.moderation.support import question, user, voters
from tests.votes.test_concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write behind one database lock; the race needs PostgreSQL",
    ),
]


def test_three_voters_at_once_close_it_once():
    """Six 3k users vote to close together: the question closes once, with one PostHistory
    type 10 row listing exactly the three votes that closed it; the late three are told it is
    already closed and leave no vote."""
    q = question(user(10))
    team = voters(6)
    results = run_at_once(
        [lambda v=v: services.close_vote_cast(v, q.id, "needs_focus") for v in team]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, PermissionDenied) for e in errors) and len(errors) == 3
    assert sorted(r.action for r in results if not isinstance(r, Exception)) == [
        "closed",
        "voted",
        "voted",
    ]
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=10).count() == 1
    assert CloseVote.objects.filter(question=q, state=CloseVoteState.APPLIED).count() == 3
    assert CloseVote.objects.filter(question=q).count() == 3
    assert Post.objects.get(id=q.id).closed_date is not None


def test_exactly_three_voters_at_once():
    """Exactly three voters at once: all three votes count and the question closes once."""
    q = question(user(10))
    results = run_at_once(
        [lambda v=v: services.close_vote_cast(v, q.id, "opinion_based") for v in voters(3)]
    )
    assert sorted(r.action for r in results) == ["closed", "voted", "voted"]
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=10).count() == 1


@pytest.mark.parametrize("round_", range(4))
def test_reopen_vote_crossing_the_closing_vote(round_):
    """The third close vote and a reopen vote sent together: either the reopen vote comes
    first and is refused (the question was open), or it comes after the closing and stands as
    the first reopen vote. Never a reopen vote on an open question, never two closings."""
    q = question(user(10))
    for voter in voters(2):
        services.close_vote_cast(voter, q.id, "needs_details")
    closer, opener = user(3000), user(3000)
    close_result, reopen_result = run_at_once(
        [
            lambda: services.close_vote_cast(closer, q.id, "needs_details"),
            lambda: services.reopen_vote_cast(opener, q.id),
        ]
    )
    assert close_result.action == "closed"
    q.refresh_from_db()
    assert q.closed_date is not None
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=10).count() == 1
    reopen_votes = CloseVote.objects.filter(question=q, kind=CloseVoteKind.REOPEN)
    if isinstance(reopen_result, Exception):
        assert isinstance(reopen_result, PermissionDenied) and "open" in reopen_result.message
        assert not reopen_votes.exists()
    else:
        assert reopen_result.action == "voted" and reopen_result.pending_votes == 1
        (vote,) = reopen_votes
        assert vote.is_pending and vote.creation_date >= q.closed_date
