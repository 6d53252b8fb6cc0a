"""Bounties (spec §5.8): offering, awarding, auto-award, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.posts.models import Post
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.votes.models import Bounty, BountyState, Vote, VoteType
from quaestio.votes.selectors import featured_questions
from quaestio.votes.services import bounties_close_expired, bounty_award, bounty_offer
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db


def rep(user) -> int:
    user.refresh_from_db()
    return user.reputation


def test_offer_takes_reputation_up_front_and_records_vote_type_8():
    """Offering a bounty costs the offerer now and writes a BountyStart vote with the amount."""
    offerer = make_user(300)
    question = make_question(make_user(1))
    bounty = bounty_offer(offerer, question.id, 100, "attention")
    assert rep(offerer) == 200
    vote = Vote.objects.get(vote_type=VoteType.BOUNTY_START)
    assert (vote.post_id, vote.user_id, vote.bounty_amount) == (question.id, offerer.id, 100)
    assert bounty.ends_at - bounty.started_at == timedelta(days=7)
    assert [r.question.id for r in featured_questions(1, 30)[0]] == [question.id]


def test_offer_needs_75_reputation():
    """Setting bounties needs 75 reputation."""
    with pytest.raises(PermissionDenied, match="75"):
        bounty_offer(make_user(74), make_question(make_user(1)).id, 50, "attention")


@pytest.mark.parametrize("amount", [0, 25, 75, 550, 1000])
def test_amount_must_be_50_to_500_in_steps_of_50(amount):
    """Amounts outside 50–500 or off the 50 steps are refused."""
    with pytest.raises(PermissionDenied, match="50–500"):
        bounty_offer(make_user(2000), make_question(make_user(1)).id, amount, "attention")
    assert not Bounty.objects.exists()


def test_at_least_100_on_a_question_you_answered():
    """On a question you answered, the minimum is 100."""
    offerer = make_user(2000)
    question = make_question(make_user(1))
    make_answer(question, offerer)
    with pytest.raises(PermissionDenied, match="100"):
        bounty_offer(offerer, question.id, 50, "attention")
    bounty_offer(offerer, question.id, 100, "attention")


def test_question_must_be_two_days_old():
    """Questions younger than 2 days can't have a bounty."""
    question = make_question(make_user(1), age=timedelta(days=1))
    with pytest.raises(PermissionDenied, match="2 days"):
        bounty_offer(make_user(2000), question.id, 50, "attention")


def test_one_open_bounty_per_question_and_three_per_user():
    """One open bounty per question; at most three open bounties per user."""
    offerer = make_user(5000)
    questions = [make_question(make_user(1)) for _ in range(4)]
    bounty_offer(offerer, questions[0].id, 50, "attention")
    with pytest.raises(PermissionDenied, match="already has"):
        bounty_offer(make_user(5000), questions[0].id, 50, "attention")
    bounty_offer(offerer, questions[1].id, 50, "attention")
    bounty_offer(offerer, questions[2].id, 50, "attention")
    with pytest.raises(PermissionDenied, match="at most 3"):
        bounty_offer(offerer, questions[3].id, 50, "attention")


def test_unknown_reason_is_refused():
    """A bounty needs one of the listed reasons."""
    with pytest.raises(ValidationFailed):
        bounty_offer(make_user(500), make_question(make_user(1)).id, 50, "because")


def test_manual_award_pays_full_amount_exempt_from_cap_and_records_vote_type_9():
    """The offerer awards the full bounty; it ignores the cap; a BountyClose vote is written."""
    offerer, answerer = make_user(500), make_user(1)
    question = make_question(make_user(1))
    answer = make_answer(question, answerer)
    bounty_offer(offerer, question.id, 200, "attention")
    bounty = bounty_award(offerer, answer.id)
    assert bounty.state == BountyState.AWARDED and rep(answerer) == 201
    vote = Vote.objects.get(vote_type=VoteType.BOUNTY_CLOSE)
    assert (vote.post_id, vote.bounty_amount) == (answer.id, 200)
    assert featured_questions(1, 30)[1] == 0


def test_only_the_offerer_awards_and_not_to_themselves():
    """Nobody else may award the bounty; the offerer can't award their own answer."""
    offerer = make_user(500)
    question = make_question(make_user(1))
    other_answer = make_answer(question, make_user(1))
    own_answer = make_answer(question, offerer)
    bounty_offer(offerer, question.id, 100, "attention")
    with pytest.raises(PermissionDenied, match="offered"):
        bounty_award(make_user(500), other_answer.id)
    with pytest.raises(PermissionDenied, match="own answer"):
        bounty_award(offerer, own_answer.id)


def test_bounty_on_community_wiki_answer_still_pays():
    """Bounties pay even on community-wiki answers."""
    offerer, answerer = make_user(500), make_user(1)
    question = make_question(make_user(1))
    answer = make_answer(question, answerer, community_owned_date=timezone.now())
    bounty_offer(offerer, question.id, 50, "attention")
    bounty_award(offerer, answer.id)
    assert rep(answerer) == 51


def test_award_refused_after_grace_period():
    """After 7 days + 24 h the offerer can no longer award."""
    offerer = make_user(500)
    question = make_question(make_user(1), age=timedelta(days=20))
    answer = make_answer(question, make_user(1))
    start = timezone.now() - timedelta(days=8, hours=1)
    bounty_offer(offerer, question.id, 50, "attention", now=start)
    with pytest.raises(PermissionDenied, match="grace"):
        bounty_award(offerer, answer.id)


def test_auto_award_half_to_best_new_answer_with_score_two():
    """Unawarded: half goes to the top answer posted after the start with score ≥ 2; ties → older."""
    offerer = make_user(500)
    question = make_question(make_user(1), age=timedelta(days=20))
    start = timezone.now() - timedelta(days=9)
    before = make_answer(question, make_user(1), age=timedelta(days=10))
    Post.objects.filter(id=before.id).update(score=50)
    older, newer = make_user(1), make_user(1)
    older_answer = make_answer(question, older, age=timedelta(days=8))
    newer_answer = make_answer(question, newer, age=timedelta(days=7))
    Post.objects.filter(id__in=[older_answer.id, newer_answer.id]).update(score=3)
    bounty_offer(offerer, question.id, 150, "attention", now=start)
    assert bounties_close_expired() == {"auto_awarded": 1, "expired": 0}
    bounty = Bounty.objects.get()
    assert (bounty.state, bounty.awarded_answer_id, bounty.awarded_amount) == (
        BountyState.AUTO_AWARDED,
        older_answer.id,
        75,
    )
    assert rep(older) == 76 and rep(newer) == 1
    assert bounties_close_expired() == {"auto_awarded": 0, "expired": 0}


def test_no_auto_award_without_a_qualifying_answer():
    """No answer with score ≥ 2 after the start: the bounty expires, nobody is paid, no refund."""
    offerer = make_user(500)
    question = make_question(make_user(1), age=timedelta(days=20))
    bounty_offer(offerer, question.id, 100, "attention", now=timezone.now() - timedelta(days=9))
    answer = make_answer(question, make_user(1), age=timedelta(days=1))
    Post.objects.filter(id=answer.id).update(score=1)
    assert bounties_close_expired()["expired"] == 1
    assert rep(offerer) == 400
    assert not ReputationChange.objects.filter(reason=Reason.BOUNTY_AWARDED).exists()


def test_open_bounty_is_not_closed_before_grace_ends():
    """A bounty in its grace day is left open for the offerer."""
    offerer = make_user(500)
    question = make_question(make_user(1), age=timedelta(days=20))
    bounty_offer(
        offerer, question.id, 100, "attention", now=timezone.now() - timedelta(days=7, hours=2)
    )
    assert bounties_close_expired() == {"auto_awarded": 0, "expired": 0}


def test_bounty_page_offers_award_exactly_where_the_policy_allows(client):
    """The bounty page's Award buttons come from the bounty policies: the offerer sees one on
    each answer but their own, anyone else sees none; the buttons that show succeed."""
    offerer = make_user(300)
    question = make_question(make_user(1))
    theirs = make_answer(question, make_user(1))
    own = make_answer(question, offerer)
    bounty_offer(offerer, question.id, 100, "attention")  # 100: the offerer has answered
    page_url = f"/posts/{question.id}/bounty"

    client.force_login(make_user(500))
    assert "bounty/award" not in client.get(page_url).content.decode()

    client.force_login(offerer)
    html = client.get(page_url).content.decode()
    assert f"/posts/{theirs.id}/bounty/award" in html
    assert f"/posts/{own.id}/bounty/award" not in html
    client.post(f"/posts/{theirs.id}/bounty/award")
    assert Bounty.objects.get(question=question).state != BountyState.OPEN
