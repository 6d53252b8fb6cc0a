"""Deletions, undeletions and approved suggested edits move reputation in the posts services'
own transaction: the post and the reputation change together, or neither does.

The failure is injected by the database itself (a trigger refusing to change a user's
reputation, as a constraint would), through the real services, with nothing mocked.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostHistory, SuggestedEdit
from quaestio.posts.services import post_delete, post_edit, post_undelete, suggested_edit_review
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.votes.services import vote_set
from tests.writing_support import BODY

pytestmark = pytest.mark.django_db

NEW_BODY = "A rewritten body that says something different from the first one."


@contextmanager
def reputation_frozen_by_the_database():
    """Any UPDATE of a user's reputation fails inside the database, like a violated constraint."""
    table = User._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_reputation() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'reputation is frozen'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER reputation_frozen BEFORE UPDATE OF reputation ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_reputation()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER reputation_frozen BEFORE UPDATE OF reputation ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'reputation is frozen'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP TRIGGER reputation_frozen ON {table}"
                if connection.vendor == "postgresql"
                else "DROP TRIGGER reputation_frozen"
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION refuse_reputation()")


def rep(user) -> int:
    user.refresh_from_db()
    return user.reputation


def upvoted_question(ask, make_user):
    owner = make_user(reputation=1)
    question = ask(user=owner)
    vote_set(make_user(reputation=200), question.id, "up")
    assert rep(owner) == 11
    return owner, question


def test_delete_and_undelete_move_vote_reputation_at_once(ask, make_user):
    """post_delete takes the question's vote reputation in its own transaction (no after-commit
    step to wait for); post_undelete gives it back."""
    owner, question = upvoted_question(ask, make_user)
    moderator = make_user(reputation=1, is_moderator=True)
    post_delete(moderator, question.id)
    assert rep(owner) == 1
    post_undelete(moderator, question.id)
    assert rep(owner) == 11


def test_a_failed_reputation_write_rolls_the_deletion_back(ask, make_user):
    """When moving the reputation fails, the post is not deleted either: no deletion date, no
    history row, the answer count and the owner's reputation as they were."""
    owner, question = upvoted_question(ask, make_user)
    moderator = make_user(reputation=1, is_moderator=True)
    with reputation_frozen_by_the_database(), pytest.raises(DatabaseError):
        post_delete(moderator, question.id)
    question.refresh_from_db()
    assert question.deletion_date is None
    assert not PostHistory.objects.filter(post=question, post_history_type=12).exists()
    assert rep(owner) == 11


def test_a_failed_reputation_write_rolls_the_undeletion_back(ask, make_user):
    """The same for undeleting: the post stays deleted and its reputation removed."""
    owner, question = upvoted_question(ask, make_user)
    moderator = make_user(reputation=1, is_moderator=True)
    post_delete(moderator, question.id)
    with reputation_frozen_by_the_database(), pytest.raises(DatabaseError):
        post_undelete(moderator, question.id)
    question.refresh_from_db()
    assert question.deletion_date is not None and rep(owner) == 1


def suggest(ask, make_user):
    question = ask()
    suggester = make_user(reputation=5)
    suggestion = post_edit(
        suggester, question.id, title=question.title, body=NEW_BODY, tags="rome"
    ).suggestion
    return question, suggester, suggestion


def test_approved_suggested_edit_pays_two_in_the_same_transaction(ask, make_user):
    """The owner's approval applies the edit and pays the suggester +2 at once."""
    question, suggester, suggestion = suggest(ask, make_user)
    suggested_edit_review(question.owner, suggestion.id, "approve")
    assert rep(suggester) == 7
    row = ReputationChange.objects.get(user=suggester)
    assert (row.reason, row.event_id, row.post_id) == (
        Reason.SUGGESTED_EDIT,
        suggestion.id,
        question.id,
    )


def test_a_failed_reputation_write_rolls_the_approval_back(ask, make_user):
    """When paying the +2 fails, the edit is not applied and the suggestion stays pending."""
    question, suggester, suggestion = suggest(ask, make_user)
    with reputation_frozen_by_the_database(), pytest.raises(DatabaseError):
        suggested_edit_review(question.owner, suggestion.id, "approve")
    assert SuggestedEdit.objects.get(id=suggestion.id).is_pending
    assert Post.objects.get(id=question.id).body_markdown == BODY
    assert rep(suggester) == 5 and not ReputationChange.objects.filter(user=suggester).exists()
