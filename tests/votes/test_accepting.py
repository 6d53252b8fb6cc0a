"""Accepting answers (spec §5.4): who, how many, changing, self-answers, reputation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.core.errors import PermissionDenied
from quaestio.posts.models import Post
from quaestio.posts.selectors import question_page
from quaestio.votes.models import Vote, VoteType
from quaestio.votes.services import accept_set, vote_set
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db


def rep(user) -> int:
    user.refresh_from_db()
    return user.reputation


def accepted(question) -> int | None:
    question.refresh_from_db()
    return question.accepted_answer_id


def test_accept_gives_fifteen_and_two_and_records_vote_type_1():
    """Accepting: +15 to the answerer, +2 to the asker, a type-1 Vote row on the answer."""
    asker, answerer = make_user(1), make_user(1)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    outcome = accept_set(asker, answer.id, True)
    assert outcome.accepted_answer_id == answer.id == accepted(question)
    assert rep(answerer) == 16 and rep(asker) == 3
    vote = Vote.objects.get(post=answer)
    assert (vote.vote_type, vote.user_id) == (VoteType.ACCEPTED_BY_ORIGINATOR, asker.id)


def test_only_the_asker_can_accept():
    """Anyone but the asker is refused."""
    asker, answerer, other = make_user(1), make_user(1), make_user(5000)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    with pytest.raises(PermissionDenied, match="asked"):
        accept_set(other, answer.id, True)
    assert accepted(question) is None and not Vote.objects.exists()


def test_accepting_again_changes_nothing_and_unaccepting_removes_the_reputation():
    """Accepting the accepted answer is "unchanged"; un-accepting reverses +15/+2, once."""
    asker, answerer = make_user(1), make_user(1)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    accept_set(asker, answer.id, True)
    outcome = accept_set(asker, answer.id, True)
    assert (outcome.accepted_answer_id, outcome.changed) == (answer.id, False)
    assert rep(answerer) == 16 and Vote.objects.count() == 1
    outcome = accept_set(asker, answer.id, False)
    assert (outcome.accepted_answer_id, outcome.changed) == (None, True)
    assert accepted(question) is None
    assert rep(answerer) == 1 and rep(asker) == 1 and not Vote.objects.exists()
    assert accept_set(asker, answer.id, False).changed is False


def test_unaccepting_another_answer_leaves_the_accepted_one():
    """accept/undo on an answer that is not the accepted one does not remove the mark."""
    asker = make_user(1)
    question = make_question(asker)
    a1, a2 = make_answer(question, make_user(1)), make_answer(question, make_user(1))
    accept_set(asker, a1.id, True)
    assert accept_set(asker, a2.id, False).changed is False
    assert accepted(question) == a1.id


def test_flip_unaccepts_the_accepted_answer():
    """A form without intent flips, decided under the lock."""
    asker = make_user(1)
    question = make_question(asker)
    answer = make_answer(question, make_user(1))
    assert accept_set(asker, answer.id, True, flip=True).accepted_answer_id == answer.id
    assert accept_set(asker, answer.id, True, flip=True).accepted_answer_id is None


def test_accepting_another_answer_moves_the_mark():
    """One accepted answer per question: accepting another moves the mark and the +15."""
    asker, first, second = make_user(1), make_user(1), make_user(1)
    question = make_question(asker)
    a1, a2 = make_answer(question, first), make_answer(question, second)
    accept_set(asker, a1.id, True)
    accept_set(asker, a2.id, True)
    assert accepted(question) == a2.id
    assert rep(first) == 1 and rep(second) == 16 and rep(asker) == 3
    assert list(Vote.objects.values_list("post_id", flat=True)) == [a2.id]


def test_self_answer_only_after_48_hours_and_without_reputation():
    """Your own answer: accepted only 48 h after asking, and nobody gains reputation."""
    asker = make_user(1)
    recent = make_question(asker, age=timedelta(hours=47))
    own = make_answer(recent, asker)
    with pytest.raises(PermissionDenied, match="48 hours"):
        accept_set(asker, own.id, True)
    old = make_question(asker, age=timedelta(hours=49))
    own_old = make_answer(old, asker)
    accept_set(asker, own_old.id, True)
    assert accepted(old) == own_old.id and rep(asker) == 1


def test_accepting_a_community_wiki_answer_gives_nobody_reputation():
    """CW answers: the accept gives no reputation to anyone."""
    asker, answerer = make_user(1), make_user(1)
    question = make_question(asker)
    answer = make_answer(question, answerer, community_owned_date=timezone.now())
    accept_set(asker, answer.id, True)
    assert rep(answerer) == 1 and rep(asker) == 1


def test_accept_is_exempt_from_the_daily_cap():
    """An accept pays +15 even when the answerer already hit the 200 cap today."""
    asker, answerer = make_user(1), make_user(1)
    for _ in range(20):
        q = make_question(make_user(1))
        vote_set(make_user(15), make_answer(q, answerer).id, "up")
    assert rep(answerer) == 201
    question = make_question(asker)
    answer = make_answer(question, answerer)
    accept_set(asker, answer.id, True)
    assert rep(answerer) == 216


def test_accepted_answer_is_marked_not_pinned():
    """The question page sorts by score; the accepted answer keeps its place."""
    asker = make_user(1)
    question = make_question(asker)
    low = make_answer(question, make_user(1))
    high = make_answer(question, make_user(1))
    Post.objects.filter(id=high.id).update(score=5)
    accept_set(asker, low.id, True)
    page = question_page(question.id)
    assert [b.post.id for b in page.answers] == [high.id, low.id]
    assert page.accepted_answer_id == low.id


def test_answers_to_other_questions_and_deleted_answers_cannot_be_accepted():
    """Deleted answers are refused."""
    asker = make_user(1)
    question = make_question(asker)
    answer = make_answer(question, make_user(1), deletion_date=timezone.now())
    with pytest.raises(PermissionDenied, match="Deleted"):
        accept_set(asker, answer.id, True)
