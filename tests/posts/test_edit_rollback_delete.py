"""Edits, the grace period, rollbacks, deletion and suggested edits, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.posts.models import Post, PostHistory, SuggestedEdit
from quaestio.posts.revisions import post_revisions
from quaestio.posts.services import (
    answer_post,
    post_delete,
    post_edit,
    post_rollback,
    post_undelete,
    suggested_edit_review,
)
from quaestio.tags.models import Tag
from quaestio.votes.models import Vote
from tests.writing_support import BODY

NEW_BODY = "A rewritten body that says something different from the first one."


def _age(post, minutes=10):
    """Move a post's history into the past, beyond the grace period."""
    PostHistory.objects.filter(post=post).update(
        creation_date=timezone.now() - timedelta(minutes=minutes)
    )


def _types(post):
    return list(
        PostHistory.objects.filter(post=post)
        .order_by("creation_date", "id")
        .values_list("post_history_type", flat=True)
    )


def test_edit_after_grace_is_a_new_revision_with_summary(ask):
    """An edit past 5 minutes writes type 5 with the summary and marks the post edited."""
    question = ask()
    _age(question)
    post_edit(
        question.owner,
        question.id,
        title=question.title,
        body=NEW_BODY,
        tags="rome",
        comment="clarify",
    )
    rows = PostHistory.objects.filter(post=question, post_history_type=5)
    assert [(r.text, r.comment) for r in rows] == [(NEW_BODY, "clarify")]
    question.refresh_from_db()
    assert question.body_markdown == NEW_BODY and question.last_edit_date is not None
    assert question.last_editor_id == question.owner_id


def test_owner_edit_within_grace_folds_into_previous_revision(ask):
    """Within 5 minutes the owner's edit rewrites the last revision: no new revision, no 'edited'."""
    question = ask()
    post_edit(question.owner, question.id, title=question.title, body=NEW_BODY, tags="rome")
    assert _types(question) == [1, 2, 3]
    assert PostHistory.objects.get(post=question, post_history_type=2).text == NEW_BODY
    question.refresh_from_db()
    assert question.last_edit_date is None
    assert len([r for r in post_revisions(question.id) if r.number]) == 1


def test_someone_elses_edit_within_grace_is_a_new_revision(ask, make_user):
    """Grace is for the owner only: an editor with the privilege makes a new revision at once."""
    question = ask()
    editor = make_user(reputation=2000)
    post_edit(editor, question.id, title=question.title, body=NEW_BODY, tags="rome", comment="fix")
    assert _types(question) == [1, 2, 3, 5]


def test_edit_that_changes_nothing_is_refused(ask):
    """Saving the same content is an error, not an empty revision."""
    question = ask()
    with pytest.raises(ValidationFailed, match="does not change"):
        post_edit(
            question.owner,
            question.id,
            title=question.title,
            body=question.body_markdown,
            tags="rome",
        )


def test_retag_moves_tag_counts(ask):
    """A tag-only edit writes type 6 and moves counts from the old tag to the new one."""
    question = ask(tags="rome")
    Tag.objects.create(name="greece")
    _age(question)
    post_edit(
        question.owner,
        question.id,
        title=question.title,
        body=question.body_markdown,
        tags="greece",
    )
    assert _types(question) == [1, 2, 3, 6]
    assert Tag.objects.get(name="rome").count == 0 and Tag.objects.get(name="greece").count == 1


def test_rollback_writes_types_7_8_9_naming_the_target_guid(ask):
    """Rolling back to revision 1 restores its content in a new revision: 'Rollback to [guid]'."""
    question = ask()
    Tag.objects.create(name="greece")
    _age(question)
    post_edit(
        question.owner,
        question.id,
        title="A completely different title",
        body=NEW_BODY,
        tags="greece",
    )
    _age(question, minutes=9)
    original_guid = (
        PostHistory.objects.filter(post=question, post_history_type=1).get().revision_guid
    )
    post_rollback(question.owner, question.id, 1)
    rows = PostHistory.objects.filter(post=question, post_history_type__in=(7, 8, 9))
    assert sorted(r.post_history_type for r in rows) == [7, 8, 9]
    assert {r.comment for r in rows} == {f"Rollback to [{original_guid}]"}
    question.refresh_from_db()
    assert question.title == "How did Roman legions cross rivers?"
    assert question.body_markdown == BODY and question.tag_names == ["rome"]
    revisions = [r for r in post_revisions(question.id) if r.number]
    assert revisions[-1].number == 3 and revisions[-1].rollback_to == 1


def test_rollback_to_the_current_revision_is_refused(ask):
    """Rolling back to what the post already says changes nothing and is refused."""
    question = ask()
    with pytest.raises(ValidationFailed, match="same as the current"):
        post_rollback(question.owner, question.id, 1)


def test_rollback_needs_edit_rights(ask, make_user):
    """Someone without the edit privilege cannot roll back another user's post."""
    question = ask()
    _age(question)
    post_edit(question.owner, question.id, title=question.title, body=NEW_BODY, tags="rome")
    with pytest.raises(PermissionDenied, match="2,000 reputation"):
        post_rollback(make_user(reputation=50), question.id, 1)


def test_delete_own_question_soft_deletes_with_history_12(ask):
    """Deleting sets deletion_date, writes type 12 and takes the question out of tag counts."""
    question = ask()
    post_delete(question.owner, question.id)
    question.refresh_from_db()
    assert question.deletion_date is not None
    assert _types(question)[-1] == 12
    assert Tag.objects.get(name="rome").count == 0
    post_undelete(question.owner, question.id)
    assert Tag.objects.get(name="rome").count == 1


def test_cannot_delete_question_with_upvoted_answer(ask, make_user):
    """§5.7: a question with an upvoted answer stays."""
    question = ask()
    answer = answer_post(make_user(), question.id, body=BODY)
    Vote.objects.create(post=answer, vote_type=2, creation_date=timezone.now())
    with pytest.raises(PermissionDenied, match="upvoted answer"):
        post_delete(question.owner, question.id)


def test_cannot_delete_question_with_two_answers(ask, make_user):
    """§5.7: a question with several answers stays."""
    question = ask()
    answer_post(make_user(), question.id, body=BODY)
    answer_post(make_user(), question.id, body=BODY)
    with pytest.raises(PermissionDenied, match="more than one answer"):
        post_delete(question.owner, question.id)


def test_cannot_delete_accepted_answer(ask, make_user):
    """§5.7: an accepted answer cannot be deleted by its author."""
    question = ask()
    author = make_user()
    answer = answer_post(author, question.id, body=BODY)
    Post.objects.filter(id=question.id).update(accepted_answer=answer)
    with pytest.raises(PermissionDenied, match="accepted answer"):
        post_delete(author, answer.id)


def test_cannot_delete_recently_closed_question(ask):
    """§5.7: a question closed less than 48 hours ago stays."""
    question = ask()
    Post.objects.filter(id=question.id).update(closed_date=timezone.now() - timedelta(hours=2))
    with pytest.raises(PermissionDenied, match="48 hours"):
        post_delete(question.owner, question.id)


def test_deleting_an_answer_lowers_answer_count(ask, make_user):
    """An author deletes their own answer; the question's answer count follows."""
    question = ask()
    author = make_user()
    answer = answer_post(author, question.id, body=BODY)
    post_delete(author, answer.id)
    question.refresh_from_db()
    assert question.answer_count == 0


def test_cannot_delete_someone_elses_post(ask, make_user):
    """Only the author (or a moderator) deletes a post."""
    question = ask()
    with pytest.raises(PermissionDenied, match="your own"):
        post_delete(make_user(reputation=5000), question.id)


def test_low_rep_edit_becomes_a_suggestion(ask, make_user):
    """Below the edit privilege an edit waits in the queue; the post is unchanged."""
    question = ask()
    result = post_edit(
        make_user(reputation=5),
        question.id,
        title=question.title,
        body=NEW_BODY,
        tags="rome",
        comment="typo",
    )
    assert result.suggestion is not None and result.suggestion.is_pending
    question.refresh_from_db()
    assert question.body_markdown == BODY


def test_one_pending_suggestion_per_post(ask, make_user):
    """A second suggestion on a post with one pending is refused."""
    question = ask()
    post_edit(
        make_user(reputation=5), question.id, title=question.title, body=NEW_BODY, tags="rome"
    )
    with pytest.raises(ValidationFailed, match="already has a suggested edit"):
        post_edit(
            make_user(reputation=5),
            question.id,
            title=question.title,
            body=NEW_BODY + "!",
            tags="rome",
        )


def test_two_reviewers_approve_and_history_gets_type_24(ask, make_user):
    """Two approvals apply the edit, credited to the suggester, with a type 24 row in its revision."""
    question = ask()
    suggester = make_user(reputation=5)
    suggestion = post_edit(
        suggester, question.id, title=question.title, body=NEW_BODY, tags="rome", comment="better"
    ).suggestion
    first, second = make_user(reputation=2000), make_user(reputation=2000)
    suggested_edit_review(first, suggestion.id, "approve")
    suggestion.refresh_from_db()
    assert suggestion.is_pending
    suggested_edit_review(second, suggestion.id, "approve")
    suggestion.refresh_from_db()
    assert suggestion.approval_date is not None
    edit_row = PostHistory.objects.get(post=question, post_history_type=5)
    applied = PostHistory.objects.get(post=question, post_history_type=24)
    assert edit_row.user_id == suggester.id and edit_row.comment == "better"
    assert applied.revision_guid == edit_row.revision_guid
    assert (
        applied.comment
        == f"Proposed by {suggester.id} approved by {first.id}, {second.id} edit id of {suggestion.id}"
    )
    question.refresh_from_db()
    assert question.body_markdown == NEW_BODY


def test_owner_rejects_alone(ask, make_user):
    """The post's owner decides alone: one rejection closes the suggestion, the post unchanged."""
    question = ask()
    suggestion = post_edit(
        make_user(reputation=5), question.id, title=question.title, body=NEW_BODY, tags="rome"
    ).suggestion
    suggested_edit_review(question.owner, suggestion.id, "reject")
    suggestion.refresh_from_db()
    assert suggestion.rejection_date is not None
    assert not PostHistory.objects.filter(post=question, post_history_type=24).exists()


def test_reviewers_need_the_privilege(ask, make_user):
    """Reviewing suggested edits needs 2,000 reputation (full set), and the message says so."""
    question = ask()
    suggestion = post_edit(
        make_user(reputation=5), question.id, title=question.title, body=NEW_BODY, tags="rome"
    ).suggestion
    with pytest.raises(PermissionDenied, match="needs 2,000 reputation; you have 40"):
        suggested_edit_review(make_user(reputation=40), suggestion.id, "approve")
    assert SuggestedEdit.objects.get().is_pending


def test_edit_of_imported_post_starts_from_its_history_markdown(ask):
    """A post without Markdown on its row (as a dump imports it) is edited from its last body revision."""
    from quaestio.posts.services import current_content

    question = ask()
    Post.objects.filter(id=question.id).update(body_markdown="")
    question.refresh_from_db()
    assert current_content(question).body == BODY
