"""Each kind of inbox item is written at its write path once the action commits, and keeps the
owner's unread counter in step."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from quaestio.accounts.models import User
from quaestio.comments.services import comment_add
from quaestio.notifications.models import Notification
from quaestio.posts.services import answer_post, post_edit
from quaestio.votes.services import accept_set, bounty_award, bounty_offer
from tests.votes.factories import make_answer, make_question
from tests.votes.factories import make_user as make_voter

ANSWER_BODY = "An answer that is long enough to pass the thirty character minimum here."


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def _unread(user) -> int:
    return User.objects.values_list("inbox_unread", flat=True).get(id=user.id)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and its on-commit work (the queued inbox tasks), as a request's commit."""

    def run(action, *args, **kwargs):
        cache.clear()  # rate limits are not what these tests are about
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def test_answer_reaches_the_asker_and_counts_unread(ask, make_user, committed):
    """An answer to your question is in your inbox, and your unread counter is 1."""
    question = ask()
    committed(answer_post, make_user(reputation=50), question.id, body=ANSWER_BODY)
    assert _kinds(question.owner) == ["answer"]
    assert _unread(question.owner) == 1


def test_comment_reaches_earlier_commenters(ask, make_user, committed):
    """A comment on a post you commented on reaches you as a comment_reply; the author is not
    told of their own comment."""
    question = ask()
    alice, bob = make_user(reputation=50), make_user(reputation=50)
    committed(comment_add, alice, question.id, "Alice asks something about this post.")
    committed(comment_add, bob, question.id, "Bob adds a comment that does not mention anyone.")
    assert _kinds(alice) == ["comment_reply"]
    assert _kinds(bob) == []
    assert _kinds(question.owner) == ["comment", "comment"]
    assert _unread(question.owner) == 2


def test_edit_by_someone_else_reaches_the_owner(ask, make_user, committed):
    """An edit of your post by another user is in your inbox; your own edit is not."""
    question = ask()
    committed(
        post_edit,
        question.owner,
        question.id,
        title=question.title,
        body=question.body_markdown + " More.",
        tags="rome",
    )
    assert _kinds(question.owner) == []
    editor = make_user(reputation=5000)
    committed(
        post_edit,
        editor,
        question.id,
        title=question.title,
        body=question.body_markdown + " Edited by someone else.",
        tags="rome",
        comment="clearer",
    )
    assert _kinds(question.owner) == ["edit"]
    item = Notification.objects.get(user=question.owner)
    assert item.actor_id == editor.id and "clearer" in item.summary


def test_accept_and_bounty_reach_the_answerer(db, committed):
    """An accepted answer and an awarded bounty each put an item in the answerer's inbox."""
    asker, answerer, offerer = make_voter(1), make_voter(1), make_voter(500)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    committed(accept_set, asker, answer.id, True)
    committed(bounty_offer, offerer, question.id, 100, "attention")
    committed(bounty_award, offerer, answer.id)
    assert _kinds(answerer) == ["accepted", "bounty"]
    assert _unread(answerer) == 2


def test_nothing_is_announced_for_a_rolled_back_write(ask, make_user):
    """The item is queued on commit: a write that fails after queueing tells nobody."""
    from django.db import transaction

    question = ask()
    with pytest.raises(RuntimeError), transaction.atomic():
        answer_post(make_user(reputation=50), question.id, body=ANSWER_BODY)
        raise RuntimeError("the request failed")
    assert _kinds(question.owner) == []


def test_rollback_by_someone_else_reaches_the_owner(ask, make_user, committed):
    """Rolling your post back to an earlier revision is an edit in your inbox."""
    from quaestio.posts.services import post_rollback

    question = ask()
    committed(
        post_edit,
        make_user(reputation=5000),
        question.id,
        title=question.title,
        body=question.body_markdown + " A second revision.",
        tags="rome",
    )
    committed(post_rollback, make_user(reputation=5000), question.id, 1)
    assert _kinds(question.owner) == ["edit", "edit"]
    item = Notification.objects.filter(user=question.owner).latest("id")
    assert "rolled back to revision 1" in item.summary
