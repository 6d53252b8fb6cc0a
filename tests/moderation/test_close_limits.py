"""The limits on a user's close and reopen votes (spec §7.2): a retracted vote cannot be cast
again on that question, and a daily allowance of close and reopen votes; each refused in the
dialog with its reason, writing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from quaestio.core.errors import PermissionDenied, RateLimited
from quaestio.moderation import services
from quaestio.moderation.models import CloseVote, CloseVoteKind
from tests.moderation.states_support import logged_in
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db


def _vote(voter, q, now=None):
    return services.close_vote_cast(voter, q.id, "opinion_based", now=now)


def test_a_retracted_close_vote_cannot_be_cast_again():
    """Who takes back their close vote may not vote to close that question again: refused,
    nothing written. Other voters, and the same voter on another question, still may."""
    q = question(user(10))
    voter = user(3000)
    _vote(voter, q)
    services.close_vote_retract(voter, q.id)
    with pytest.raises(PermissionDenied, match="retracted your close vote"):
        _vote(voter, q)
    assert CloseVote.objects.filter(question=q, user=voter).count() == 1
    assert _vote(user(3000), q).action == "voted"
    assert _vote(voter, question(user(10))).action == "voted"


def test_the_ban_is_per_kind_and_an_aged_vote_may_be_cast_again():
    """A retracted reopen vote bars reopen votes only (the retracted close vote before the
    closing does not bar a reopen vote); a vote that aged away after 14 days was not taken
    back, so its voter votes again."""
    q = question(user(10))
    voter = user(3000)
    _vote(voter, q)
    services.close_vote_retract(voter, q.id)
    services.question_close(user(1, is_moderator=True), q.id, "needs_focus")
    assert services.reopen_vote_cast(voter, q.id).action == "voted"
    services.reopen_vote_retract(voter, q.id)
    with pytest.raises(PermissionDenied, match="retracted your reopen vote"):
        services.reopen_vote_cast(voter, q.id)

    other = question(user(10))
    past = timezone.now() - timedelta(days=20)
    _vote(voter, other, now=past)
    assert _vote(voter, other).action == "voted"  # the old vote aged away: a new vote counts


@override_settings(QUAESTIO_CLOSE_VOTES_PER_DAY=2)
def test_daily_allowance_of_close_and_reopen_votes():
    """Two votes a day here (50 by default): close and reopen votes count together, a
    retracted one stays spent, yesterday's do not count, and moderators are not limited."""
    voter = user(3000)
    yesterday = timezone.now() - timedelta(days=1)
    _vote(voter, question(user(10)), now=yesterday)
    first = question(user(10))
    _vote(voter, first)
    services.close_vote_retract(voter, first.id)
    closed = question(user(10))
    services.question_close(user(1, is_moderator=True), closed.id, "needs_focus")
    services.reopen_vote_cast(voter, closed.id)
    spare = question(user(10))
    with pytest.raises(RateLimited, match="all 2 of today's close and reopen votes"):
        _vote(voter, spare)
    assert not CloseVote.objects.filter(question=spare).exists()
    moderator = user(1, is_moderator=True)
    for _ in range(3):
        assert _vote(moderator, question(user(10))).action == "closed"


def test_dialogs_say_why_instead_of_offering_the_vote():
    """After a retraction the close dialog shows the reason and no vote button; a forged POST
    is refused with the same reason and writes nothing. The reopen dialog likewise."""
    q = question(user(10))
    voter = user(3000)
    client = logged_in(voter)
    assert client.post(f"/questions/{q.id}/close", {"reason": "opinion_based"}).status_code == 302
    client.post(f"/questions/{q.id}/close", {"action": "retract"})
    page = client.get(f"/questions/{q.id}/close").content.decode()
    assert "a retracted vote cannot be cast again" in page and "Vote to close" not in page
    refused = client.post(f"/questions/{q.id}/close", {"reason": "opinion_based"})
    assert refused.status_code == 403
    assert "a retracted vote cannot be cast again" in refused.content.decode()
    assert CloseVote.objects.filter(question=q, user=voter).count() == 1

    services.question_close(user(1, is_moderator=True), q.id, "needs_focus")
    client.post(f"/questions/{q.id}/reopen")
    client.post(f"/questions/{q.id}/reopen", {"action": "retract"})
    page = client.get(f"/questions/{q.id}/reopen").content.decode()
    assert "retracted your reopen vote" in page and "Vote to reopen</button>" not in page
    assert CloseVote.objects.filter(question=q, kind=CloseVoteKind.REOPEN).count() == 1


@override_settings(QUAESTIO_CLOSE_VOTES_PER_DAY=1)
def test_dialog_says_when_the_allowance_is_used():
    voter = user(3000)
    _vote(voter, question(user(10)))
    q = question(user(10))
    page = logged_in(voter).get(f"/questions/{q.id}/close").content.decode()
    assert "You have used all 1 of today&#39;s close and reopen votes" in page
