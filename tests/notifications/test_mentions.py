"""Who a comment notifies (spec §6.2): the owner always, and one @name among the post's people."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from quaestio.comments.services import comment_add
from quaestio.notifications.models import Notification
from quaestio.posts.services import post_edit


def _inbox(user):
    """The user's items but those every earlier commenter gets (test_inbox_kinds covers them):
    these tests are about whom the owner rule and an @name reach."""
    items = Notification.objects.filter(user=user).exclude(kind=Notification.COMMENT_REPLY)
    return list(items.values_list("kind", flat=True))


@pytest.fixture
def _comment(django_capture_on_commit_callbacks):
    """Comment and run the on-commit notifications, as a real request's commit would."""

    def add(user, post, text):
        cache.clear()  # the comment interval is not what these tests are about
        with django_capture_on_commit_callbacks(execute=True):
            return comment_add(user, post.id, text)

    return add


def test_owner_is_always_notified(ask, make_user, _comment):
    """A comment by someone else on your post reaches your inbox once."""
    question = ask()
    _comment(make_user(reputation=50), question, "A comment without any mention in it.")
    assert _inbox(question.owner) == ["comment"]


def test_mention_of_earlier_commenter_notifies_them_once(ask, make_user, _comment):
    """@name reaches a user who commented on the post, by a case-insensitive prefix."""
    question = ask()
    alice = make_user(reputation=50, name="Alice Smith")
    bob = make_user(reputation=50, name="Bob")
    _comment(alice, question, "An earlier comment by Alice here.")
    _comment(bob, question, "@alicesm I agree with your point entirely.")
    assert _inbox(alice) == ["mention"]
    assert Notification.objects.filter(user=question.owner).count() == 2


def test_mention_of_a_stranger_notifies_nobody(ask, make_user, _comment):
    """Users not involved with the post are never pinged."""
    question = ask()
    stranger = make_user(reputation=50, name="Stranger Danger")
    _comment(make_user(reputation=50), question, "@Stranger would know the answer to this.")
    assert _inbox(stranger) == []


def test_mention_needs_three_characters(ask, make_user, _comment):
    """@al is too short to reach Alice."""
    question = ask()
    alice = make_user(reputation=50, name="Alice")
    _comment(alice, question, "An earlier comment by Alice here.")
    _comment(make_user(reputation=50), question, "@al is that right, do you think?")
    assert _inbox(alice) == []


def test_only_the_first_reachable_mention_counts(ask, make_user, _comment):
    """Two @names: only the first that reaches someone is notified."""
    question = ask()
    alice = make_user(reputation=50, name="Alice")
    carol = make_user(reputation=50, name="Carol")
    _comment(alice, question, "An earlier comment by Alice here.")
    _comment(carol, question, "An earlier comment by Carol here.")
    _comment(make_user(reputation=50), question, "@Carol and @Alice both said something.")
    assert _inbox(carol) == ["mention"] and _inbox(alice) == []


def test_most_recent_commenter_wins_an_ambiguous_prefix(ask, make_user, _comment):
    """Two users match @Sam: the one who commented last is notified."""
    question = ask()
    sam_a = make_user(reputation=50, name="Sam Adams")
    sam_b = make_user(reputation=50, name="Sam Brown")
    _comment(sam_a, question, "A comment by the first Sam.")
    _comment(sam_b, question, "A comment by the second Sam.")
    _comment(make_user(reputation=50), question, "@Sam which of you wrote this?")
    assert _inbox(sam_b) == ["mention"] and _inbox(sam_a) == []


def test_spaces_in_names_are_ignored(ask, make_user, _comment):
    """@JohnDoe reaches 'John Doe'."""
    question = ask()
    john = make_user(reputation=50, name="John Doe")
    _comment(john, question, "A comment by John Doe here.")
    _comment(make_user(reputation=50), question, "@JohnDoe thanks for the pointer.")
    assert _inbox(john) == ["mention"]


def test_editor_can_be_mentioned(ask, make_user, _comment):
    """Someone who edited the post is reachable by @name."""
    question = ask()
    editor = make_user(reputation=3000, name="Eddie Editor")
    post_edit(
        editor,
        question.id,
        title=question.title,
        body=question.body_markdown + " More.",
        tags="rome",
    )
    _comment(make_user(reputation=50), question, "@Eddie why did you change this?")
    assert _inbox(editor) == ["mention"]


def test_mentioning_the_owner_does_not_notify_twice(ask, make_user, _comment):
    """@owner on the owner's post: still one notification for the owner."""
    question = ask(user=make_user(reputation=1000, name="Olivia Owner"))
    _comment(
        make_user(reputation=50, name="Commenter"),
        question,
        "So, @Olivia, what was the source here?",
    )
    assert _inbox(question.owner) == ["comment"]


def test_owner_reply_pings_the_only_other_commenter(ask, make_user, _comment):
    """The owner commenting with one other commenter present notifies that person without @."""
    question = ask()
    alice = make_user(reputation=50, name="Alice")
    _comment(alice, question, "What is your source for this claim?")
    _comment(question.owner, question, "It is Polybius, book three, I believe.")
    assert _inbox(alice) == ["mention"]


def test_leading_owner_mention_is_stripped_when_redundant(ask, make_user, _comment):
    """'@Owner text' by the only other commenter loses the leading @Owner; the owner is notified."""
    question = ask(user=make_user(reputation=1000, name="Olivia"))
    comment = _comment(make_user(reputation=50), question, "@Olivia could you add a source here?")
    assert comment.text == "could you add a source here?"
    assert _inbox(question.owner) == ["comment"]


def test_comment_on_own_post_notifies_nobody(ask, _comment):
    """Your own comment on your own post, with no one else around, makes no notification."""
    question = ask()
    _comment(question.owner, question, "A note to myself on my own post.")
    assert not Notification.objects.exists()


def test_answer_notifies_the_asker(ask, make_user, django_capture_on_commit_callbacks):
    """A new answer reaches the question's owner; answering your own question does not."""
    from quaestio.posts.services import answer_post
    from tests.writing_support import BODY

    question = ask()
    with django_capture_on_commit_callbacks(execute=True):
        answer_post(make_user(), question.id, body=BODY)
        answer_post(question.owner, question.id, body=BODY + " Mine.")
    assert _inbox(question.owner) == ["answer"]


def test_suggested_edit_notifies_the_owner(ask, make_user, django_capture_on_commit_callbacks):
    """The owner hears of a suggested edit to their post (they can approve it alone)."""
    question = ask()
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(
            make_user(reputation=5),
            question.id,
            title=question.title,
            body=question.body_markdown + " Suggested.",
            tags="rome",
        )
    assert _inbox(question.owner) == ["suggested_edit"]
    assert Notification.objects.get().url.startswith("/review/suggested-edits/")
