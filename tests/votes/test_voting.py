"""Voting on posts: up, down, retract, switch, limits, the lock window, privileges, costs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.posts.models import Post
from quaestio.reputation.models import ReputationChange
from quaestio.votes.models import Vote, VoteType
from quaestio.votes.services import vote_set
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db


def rep(user) -> int:
    user.refresh_from_db()
    return user.reputation


def score(post) -> int:
    post.refresh_from_db()
    return post.score


@pytest.fixture
def thread():
    asker, answerer = make_user(1), make_user(1)
    question = make_question(asker)
    return question, make_answer(question, answerer), asker, answerer


def test_question_upvote_gives_asker_ten_and_records_dump_vote(thread):
    """An upvote on a question: +10 to the asker, score +1, a Vote row of type 2 with the voter."""
    question, _answer, asker, _ = thread
    voter = make_user(15)
    outcome = vote_set(voter, question.id, "up")
    assert (outcome.score, outcome.vote_type, outcome.action) == (1, VoteType.UP_MOD, "cast")
    assert rep(asker) == 11 and score(question) == 1
    vote = Vote.objects.get(post=question)
    assert (vote.vote_type, vote.user_id) == (2, voter.id)
    voter.refresh_from_db()
    assert voter.up_votes == 1


def test_answer_upvote_gives_answerer_ten(thread):
    """An upvote on an answer gives its owner +10."""
    _q, answer, _asker, answerer = thread
    vote_set(make_user(15), answer.id, "up")
    assert rep(answerer) == 11


def test_question_downvote_costs_owner_two_and_voter_nothing(thread):
    """A question downvote: −2 to the asker, free for the voter."""
    question, _a, asker, _ = thread
    from quaestio.accounts.models import User

    User.objects.filter(id=asker.id).update(reputation=50)
    voter = make_user(125)
    vote_set(voter, question.id, "down")
    assert rep(asker) == 48 and rep(voter) == 125 and score(question) == -1
    assert Vote.objects.get(post=question).vote_type == VoteType.DOWN_MOD


def test_answer_downvote_costs_voter_one(thread):
    """An answer downvote: −2 to the answerer, −1 to the voter."""
    _q, answer, _asker, answerer = thread
    from quaestio.accounts.models import User

    User.objects.filter(id=answerer.id).update(reputation=50)
    voter = make_user(125)
    vote_set(voter, answer.id, "down")
    assert rep(answerer) == 48 and rep(voter) == 124


def test_same_vote_again_changes_nothing(thread):
    """Asking for the vote that already stands is "unchanged": one row, one score, one +10."""
    _q, answer, _asker, answerer = thread
    voter = make_user(125)
    vote_set(voter, answer.id, "up")
    outcome = vote_set(voter, answer.id, "up")
    assert (outcome.action, outcome.vote, outcome.score) == ("unchanged", "up", 1)
    assert rep(answerer) == 11 and Vote.objects.filter(post=answer).count() == 1


def test_retracting_takes_back_the_vote_and_refunds(thread):
    """Asking for no vote retracts it: row gone, score and reputation restored."""
    _q, answer, _asker, answerer = thread
    voter = make_user(125)
    vote_set(voter, answer.id, "up")
    outcome = vote_set(voter, answer.id, None)
    assert (outcome.action, outcome.vote_type, outcome.score) == ("retracted", None, 0)
    assert rep(answerer) == 1 and not Vote.objects.filter(post=answer).exists()
    vote_set(voter, answer.id, "down")
    assert rep(voter) == 124
    vote_set(voter, answer.id, None)
    assert rep(voter) == 125  # the −1 is refunded
    assert not ReputationChange.objects.filter(user=voter).exists()  # the event is gone
    assert vote_set(voter, answer.id, None).action == "unchanged"  # nothing left to retract


def test_only_if_leaves_the_other_vote_alone(thread):
    """Undoing an upvote (only_if="up") when a downvote stands leaves the downvote."""
    _q, answer, *_ = thread
    voter = make_user(125)
    vote_set(voter, answer.id, "down")
    outcome = vote_set(voter, answer.id, None, only_if="up")
    assert (outcome.action, outcome.vote) == ("unchanged", "down")
    assert vote_set(voter, answer.id, None, only_if="down").action == "retracted"


def test_flip_retracts_the_vote_that_stands(thread):
    """A form without intent flips: the same arrow again retracts, decided under the lock."""
    _q, answer, *_ = thread
    voter = make_user(125)
    assert vote_set(voter, answer.id, "up", flip=True).action == "cast"
    assert vote_set(voter, answer.id, "up", flip=True).action == "retracted"
    assert vote_set(voter, answer.id, "down", flip=True).action == "cast"
    assert vote_set(voter, answer.id, "up", flip=True).action == "switched"


def test_switch_from_up_to_down_directly(thread):
    """Clicking the other arrow switches the vote without undoing first."""
    _q, answer, _asker, answerer = thread
    from quaestio.accounts.models import User

    User.objects.filter(id=answerer.id).update(reputation=100)
    voter = make_user(125)
    vote_set(voter, answer.id, "up")
    outcome = vote_set(voter, answer.id, "down")
    assert (outcome.action, outcome.score, outcome.vote_type) == ("switched", -1, 3)
    assert rep(answerer) == 98
    assert list(Vote.objects.filter(post=answer).values_list("vote_type", flat=True)) == [3]


def test_cannot_vote_on_own_post(thread):
    """Voting on one's own post is refused and changes nothing."""
    question, _a, asker, _ = thread
    from quaestio.accounts.models import User

    User.objects.filter(id=asker.id).update(reputation=500)
    asker.refresh_from_db()
    with pytest.raises(PermissionDenied, match="own post"):
        vote_set(asker, question.id, "up")
    assert score(question) == 0 and not Vote.objects.exists()


def test_upvote_needs_15_reputation(thread):
    """Upvoting needs the 15-reputation privilege."""
    question, *_ = thread
    with pytest.raises(PermissionDenied, match="15"):
        vote_set(make_user(14), question.id, "up")
    assert not Vote.objects.exists()


def test_downvote_needs_125_reputation(thread):
    """Downvoting needs the 125-reputation privilege."""
    question, *_ = thread
    with pytest.raises(PermissionDenied, match="125"):
        vote_set(make_user(124), question.id, "down")


def test_vote_locks_in_after_five_minutes(thread):
    """After 5 minutes a vote can be neither retracted nor switched."""
    question, *_ = thread
    voter = make_user(200)
    cast_at = timezone.now() - timedelta(minutes=6)
    vote_set(voter, question.id, "up", now=cast_at)
    with pytest.raises(PermissionDenied, match="locked in"):
        vote_set(voter, question.id, None)
    with pytest.raises(PermissionDenied, match="locked in"):
        vote_set(voter, question.id, "down")
    assert vote_set(voter, question.id, "up").action == "unchanged"  # a retry still succeeds
    assert score(question) == 1


def test_vote_can_change_within_five_minutes(thread):
    """Within the window the vote can still be retracted."""
    question, *_ = thread
    voter = make_user(200)
    vote_set(voter, question.id, "up", now=timezone.now() - timedelta(minutes=4))
    assert vote_set(voter, question.id, None).action == "retracted"


def test_edit_unlocks_a_locked_vote(thread):
    """An edit after the vote lifts the lock: the voter may change it again."""
    question, *_ = thread
    voter = make_user(200)
    vote_set(voter, question.id, "up", now=timezone.now() - timedelta(hours=1))
    Post.objects.filter(id=question.id).update(
        last_edit_date=timezone.now() - timedelta(minutes=30)
    )
    assert vote_set(voter, question.id, None).action == "retracted"


def test_daily_limit_forty_with_last_ten_for_questions():
    """30 votes on anything, then 10 more only on questions, then none (40/day)."""
    voter = make_user(200)
    owner = make_user(1)
    questions = [make_question(owner) for _ in range(41)]
    answers = [make_answer(q, owner) for q in questions[:31]]
    for answer in answers[:30]:
        vote_set(voter, answer.id, "up")
    with pytest.raises(RateLimited, match="questions only"):
        vote_set(voter, answers[30].id, "up")
    for question in questions[:10]:
        vote_set(voter, question.id, "up")
    with pytest.raises(RateLimited, match="all 40"):
        vote_set(voter, questions[10].id, "up")
    assert Vote.objects.filter(user=voter).count() == 40


def test_daily_limit_resets_next_utc_day():
    """Yesterday's votes do not count against today's limit."""
    voter, owner = make_user(200), make_user(1)
    yesterday = timezone.now() - timedelta(days=1)
    for _ in range(40):
        vote_set(voter, make_question(owner).id, "up", now=yesterday)
    vote_set(voter, make_question(owner).id, "up")


def test_no_reputation_from_community_wiki_posts(thread):
    """Votes on community-wiki posts move the score but give and cost no reputation."""
    _q, answer, _asker, answerer = thread
    Post.objects.filter(id=answer.id).update(community_owned_date=timezone.now())
    voter = make_user(125)
    vote_set(voter, answer.id, "down")
    assert score(answer) == -1 and rep(answerer) == 1 and rep(voter) == 125
    assert not ReputationChange.objects.exists()


def test_deleted_and_locked_posts_take_no_votes(thread):
    """Deleted or locked posts refuse votes, even retractions."""
    question, answer, *_ = thread
    voter = make_user(200)
    Post.objects.filter(id=answer.id).update(deletion_date=timezone.now())
    with pytest.raises(PermissionDenied, match="deleted"):
        vote_set(voter, answer.id, "up")
    Post.objects.filter(id=question.id).update(locked_date=timezone.now())
    with pytest.raises(PermissionDenied, match="locked"):
        vote_set(voter, question.id, "up")


def test_unknown_post_and_direction_are_clear_errors(thread):
    """A vote on a missing post or in no direction is refused with a clear error."""
    question, *_ = thread
    voter = make_user(200)
    with pytest.raises(NotFound):
        vote_set(voter, 999999, "up")
    with pytest.raises(ValidationFailed):
        vote_set(voter, question.id, "sideways")


def test_upvote_retraction_takes_back_only_what_the_cap_gave():
    """An upvote cut by the cap to +0 is retracted for 0, not −10."""
    owner = make_user(1)
    posts = [make_question(owner) for _ in range(21)]
    voters = [make_user(15) for _ in range(21)]
    for voter, post in zip(voters, posts, strict=True):
        vote_set(voter, post.id, "up")
    assert rep(owner) == 201
    vote_set(voters[-1], posts[-1].id, None)  # retract the capped one
    assert rep(owner) == 201


def test_retracting_a_downvote_on_you_gives_back_two(thread):
    """Someone retracting a downvote on your post gives the 2 back."""
    question, _a, asker, _ = thread
    from quaestio.accounts.models import User

    User.objects.filter(id=asker.id).update(reputation=10)
    voter = make_user(125)
    vote_set(voter, question.id, "down")
    assert rep(asker) == 8
    vote_set(voter, question.id, None)
    assert rep(asker) == 10
    assert not ReputationChange.objects.filter(user=asker).exists()


def test_answers_of_a_locked_question_take_no_votes(thread):
    """Locking a question locks voting on its answers too."""
    question, answer, *_ = thread
    Post.objects.filter(id=question.id).update(locked_date=timezone.now())
    with pytest.raises(PermissionDenied, match="locked"):
        vote_set(make_user(200), answer.id, "up")


def test_retracting_every_vote_near_the_floor_gives_back_no_more_than_was_taken(thread):
    """Issue 15.2: on a new user's question one upvote and two downvotes, then all three
    retracted: no votes stand, so the owner is back at 1 (it was 5: each downvote retraction
    paid +2 that the floor had never taken)."""
    question, _a, asker, _ = thread
    up, down1, down2 = make_user(200), make_user(200), make_user(200)
    vote_set(up, question.id, "up")
    vote_set(down1, question.id, "down")
    vote_set(down2, question.id, "down")
    assert rep(asker) == 7
    for voter in (up, down1, down2):
        vote_set(voter, question.id, None)
    assert score(question) == 0
    assert rep(asker) == 1


def test_farming_by_repeating_a_downvote_at_the_floor_earns_nothing(thread):
    """At the floor, a downvote takes nothing, so retracting it gives nothing back, however
    often two friends repeat it."""
    question, _a, asker, _ = thread
    voter = make_user(200)
    for _ in range(5):
        vote_set(voter, question.id, "down")
        vote_set(voter, question.id, None)
    assert rep(asker) == 1
