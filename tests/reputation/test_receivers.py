"""Reactions to the writing room's events: deletion, undeletion, approved suggested edits."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quaestio.badges.models import Badge
from quaestio.posts.models import Post, PostHistory
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.receivers import on_post_written, on_suggested_edit_approved
from quaestio.votes.services import vote_set
from tests.votes.factories import make_question, make_user

pytestmark = pytest.mark.django_db


def rep(user) -> int:
    user.refresh_from_db()
    return user.reputation


def test_delete_and_undelete_events_move_vote_reputation():
    """A "delete" event removes the post's vote reputation; "undelete" gives it back."""
    owner = make_user(1)
    question = make_question(owner)
    vote_set(make_user(200), question.id, "up")
    Post.objects.filter(id=question.id).update(deletion_date=timezone.now())
    on_post_written(post_id=question.id, action="delete")
    assert rep(owner) == 1
    Post.objects.filter(id=question.id).update(deletion_date=None)
    on_post_written(post_id=question.id, action="undelete")
    assert rep(owner) == 11


def test_delete_event_awards_disciplined():
    """Deleting your own post with score ≥ 3 earns Disciplined via the delete event."""
    owner = make_user(1)
    question = make_question(owner, score=3, deletion_date=timezone.now())
    PostHistory.objects.create(post=question, post_history_type=12, revision_guid="d", user=owner)
    on_post_written(post_id=question.id, action="delete")
    assert list(Badge.objects.filter(user=owner).values_list("name", flat=True)) == ["Disciplined"]


def test_approved_suggested_edit_pays_two():
    """An approved suggested edit event pays the suggester +2 and can earn Editor."""
    suggester = make_user(1)
    question = make_question(make_user(1))
    PostHistory.objects.create(
        post=question, post_history_type=5, revision_guid="s", user=suggester
    )
    on_suggested_edit_approved(suggestion_id=7, suggester_id=suggester.id, post_id=question.id)
    assert rep(suggester) == 3
    row = ReputationChange.objects.get(user=suggester)
    assert (row.reason, row.event_id) == (Reason.SUGGESTED_EDIT, 7)
    assert Badge.objects.filter(user=suggester, name="Editor").exists()


def test_suggested_edit_pays_once_per_suggestion():
    """The same approved suggestion announced twice pays +2 once."""
    suggester = make_user(1)
    question = make_question(make_user(1))
    for _ in range(2):
        on_suggested_edit_approved(suggestion_id=9, suggester_id=suggester.id, post_id=question.id)
    assert rep(suggester) == 3
