"""The remaining rules of the writing policies, one test each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.core.errors import PermissionDenied, RateLimited, ValidationFailed
from quaestio.posts import policies
from quaestio.posts import services as post_services
from quaestio.posts.models import Post, PostHistory
from quaestio.posts.services import answer_post, post_delete, post_edit, post_undelete
from quaestio.reputation.privileges import PRIVILEGES, has_privilege, threshold
from tests.writing_support import BODY

NEW_BODY = "A rewritten body that says something different from the first one."


def test_privilege_table_has_both_sets(settings):
    """Every privilege has a beta and a full threshold; the setting picks the column."""
    assert threshold("edit_posts") == 2000
    settings.QUAESTIO_PRIVILEGE_SET = "beta"
    assert threshold("edit_posts") == 1000
    assert all(p.beta <= p.full for p in PRIVILEGES.values())


def test_moderators_hold_every_privilege_except_rep_based_ones(make_user):
    """A 1-reputation moderator may edit anything, but is not in the reputation leagues."""
    moderator = make_user(reputation=1, is_moderator=True)
    assert has_privilege(moderator, "edit_posts") == (True, "")
    assert has_privilege(moderator, "reputation_leagues")[0] is False


def test_protected_question_needs_10_reputation_to_answer(ask, make_user):
    """Protected questions refuse answers from users under 10 reputation."""
    question = ask()
    Post.objects.filter(id=question.id).update(protected_date=timezone.now())
    with pytest.raises(PermissionDenied, match="protected"):
        answer_post(make_user(reputation=5), question.id, body=BODY)
    answer_post(make_user(reputation=10), question.id, body=BODY)


def test_locked_question_takes_no_answers(ask, make_user):
    """A locked question refuses answers."""
    question = ask()
    Post.objects.filter(id=question.id).update(locked_date=timezone.now())
    with pytest.raises(PermissionDenied, match="locked"):
        answer_post(make_user(), question.id, body=BODY)


def test_new_user_daily_question_cap(ask, make_user):
    """Below 125 reputation, six questions in 24 hours is the most."""
    user = make_user(reputation=1)
    for n in range(6):
        ask(user=user, title=f"Question number {n} about the Romans")
        Post.objects.filter(owner=user).update(
            creation_date=timezone.now() - timedelta(minutes=41 + n)
        )
    with pytest.raises(RateLimited, match="6 questions in 24 hours"):
        ask(user=user, title="The seventh question about Romans")


def test_125_reputation_skips_the_question_interval(ask, make_user):
    """Users with 125 reputation ask again at once."""
    user = make_user(reputation=125)
    ask(user=user)
    ask(user=user, title="Another question straight away")
    assert Post.objects.filter(owner=user).count() == 2


def test_community_wiki_editable_at_100(ask, make_user):
    """A community wiki post is edited freely with 100 reputation; others need 2,000."""
    question = ask()
    editor = make_user(reputation=100)
    assert policies.can_edit(editor, question)[0] is False
    Post.objects.filter(id=question.id).update(community_owned_date=timezone.now())
    question.refresh_from_db()
    result = post_edit(editor, question.id, title=question.title, body=NEW_BODY, tags="rome")
    assert result.suggestion is None


def test_locked_post_cannot_be_edited(ask):
    """Not even the owner edits a locked post."""
    question = ask()
    Post.objects.filter(id=question.id).update(locked_date=timezone.now())
    with pytest.raises(PermissionDenied, match="locked"):
        post_edit(question.owner, question.id, title=question.title, body=NEW_BODY, tags="rome")


def test_moderator_deletes_any_post(ask, make_user):
    """Moderators delete others' posts."""
    question = ask()
    post_delete(make_user(is_moderator=True), question.id)
    question.refresh_from_db()
    assert question.deletion_date is not None


def test_only_self_deleted_posts_are_undeleted_by_their_author(ask, make_user):
    """A post a moderator deleted stays deleted for its author."""
    question = ask()
    post_delete(make_user(is_moderator=True), question.id)
    with pytest.raises(PermissionDenied):
        post_undelete(question.owner, question.id)


def test_suggester_cannot_review_own_suggestion(ask, make_user):
    """The suggester's own vote is refused, whatever their reputation later."""
    question = ask()
    suggester = make_user(reputation=5)
    suggestion = post_edit(
        suggester, question.id, title=question.title, body=NEW_BODY, tags="rome"
    ).suggestion
    suggester.reputation = 5000
    suggester.save()
    with pytest.raises(PermissionDenied, match="your own"):
        post_services.suggested_edit_review(suggester, suggestion.id, "approve")


def test_suggested_edit_queue_has_a_fixed_size(ask, make_user, monkeypatch):
    """When the queue is full, new suggestions are refused."""
    from quaestio.posts import suggested_edits

    monkeypatch.setattr(suggested_edits, "SUGGESTED_EDIT_QUEUE_SIZE", 1)
    first, second = ask(), ask(title="A second question about Rome")
    post_edit(make_user(reputation=5), first.id, title=first.title, body=NEW_BODY, tags="rome")
    with pytest.raises(RateLimited, match="queue is full"):
        post_edit(
            make_user(reputation=5), second.id, title=second.title, body=NEW_BODY, tags="rome"
        )


def test_a_reviewer_votes_once(ask, make_user):
    """The same reviewer cannot approve twice to reach two votes."""
    question = ask()
    suggestion = post_edit(
        make_user(reputation=5), question.id, title=question.title, body=NEW_BODY, tags="rome"
    ).suggestion
    reviewer = make_user(reputation=2000)
    post_services.suggested_edit_review(reviewer, suggestion.id, "approve")
    with pytest.raises(ValidationFailed, match="already reviewed"):
        post_services.suggested_edit_review(reviewer, suggestion.id, "approve")
    assert not PostHistory.objects.filter(post=question, post_history_type=24).exists()
