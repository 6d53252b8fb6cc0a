"""Erasure on request (issue 21 point 5): the site owner deletes a user's account with their
posts kept as "userN"'s, or, where the law requires, removes what they wrote as well: posts
and comments deleted, their text and every revision of it blanked, counters and reputation
kept right (the recount finds nothing to fix). Each erasure is recorded."""

from __future__ import annotations

import pytest

from quaestio.accounts.models import PrivacyRecord
from quaestio.accounts.privacy import REMOVED_TITLE, erase_user
from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add
from quaestio.core.counters import recount
from quaestio.core.errors import PermissionDenied
from quaestio.posts.models import Post, PostHistory
from quaestio.posts.services import answer_post
from quaestio.votes.services import vote_set

pytestmark = pytest.mark.django_db

ANSWER = "Pontoon bridges of boats lashed together, as Arrian describes for the Danube crossing."
COMMENT = "A comment of mine that must go when I ask for my content to be removed."


def writer_with_content(make_user, ask):
    writer = make_user(reputation=500, name="Private Person")
    other = make_user(reputation=500, name="Somebody Else")
    own_question = ask(user=writer, title="What did Roman engineers use for mortar?")
    elsewhere = ask(user=other, title="How were Roman roads drained after storms?")
    answer = answer_post(writer, elsewhere.id, body=ANSWER)
    vote_set(other, answer.id, "up")
    vote_set(writer, elsewhere.id, "up")
    comment_add(writer, elsewhere.id, COMMENT)
    return writer, other, own_question, elsewhere, answer


def test_erasure_keeps_the_posts_credited_to_usern_and_is_recorded(make_user, ask):
    writer, _other, own_question, elsewhere, answer = writer_with_content(make_user, ask)
    owner = make_user(reputation=1, is_staff=True)
    done = erase_user(writer.id, owner, remove_content=False)
    assert done.name == f"user{writer.id}" and done.votes_withdrawn == 1
    answer.refresh_from_db()
    assert answer.deletion_date is None and ANSWER in answer.body_markdown
    assert answer.owner_display_name == f"user{writer.id}"
    writer.refresh_from_db()
    assert writer.deleted_date is not None and writer.email is None
    record = PrivacyRecord.objects.get(user_id=writer.id, kind="erase")
    assert record.requested_by_id == owner.id


def test_erasure_with_content_removes_what_they_wrote_everywhere(make_user, ask):
    writer, other, own_question, elsewhere, answer = writer_with_content(make_user, ask)
    done = erase_user(writer.id, None, remove_content=True)
    assert (done.posts_removed, done.comments_removed) == (2, 1)
    own_question.refresh_from_db()
    answer.refresh_from_db()
    assert own_question.deletion_date and answer.deletion_date
    assert own_question.title == REMOVED_TITLE
    assert own_question.body == answer.body == answer.body_markdown == ""
    texts = PostHistory.objects.filter(post__in=[own_question, answer]).values_list(
        "text", flat=True
    )
    assert not any(ANSWER in text or "mortar" in text for text in texts)
    comment = Comment.objects.get(user_display_name=f"user{writer.id}")
    assert comment.deletion_date is not None and comment.text == "" and comment.text_html == ""
    # The other person's question and the reputation from the removed answer's vote follow.
    elsewhere.refresh_from_db()
    assert elsewhere.deletion_date is None and elsewhere.answer_count == 0
    assert elsewhere.score == 0  # the erased person's upvote was withdrawn
    changed = recount()
    assert not any(changed.values()), changed  # the recount finds nothing to fix
    assert PrivacyRecord.objects.filter(user_id=writer.id, kind="erase").count() == 1


def test_content_of_an_account_deleted_earlier_can_still_be_removed(make_user, ask):
    writer, *_rest, answer = writer_with_content(make_user, ask)
    erase_user(writer.id, None, remove_content=False)
    with pytest.raises(PermissionDenied, match="deleted already"):
        erase_user(writer.id, None, remove_content=False)
    erase_user(writer.id, None, remove_content=True)
    answer.refresh_from_db()
    assert answer.deletion_date is not None and answer.body_markdown == ""
    assert PrivacyRecord.objects.filter(user_id=writer.id, kind="erase").count() == 2


def test_only_the_site_owner_erases_and_never_moderators_or_community(make_user, ask):
    writer, other, *_rest = writer_with_content(make_user, ask)
    with pytest.raises(PermissionDenied, match="Only the site's owner"):
        erase_user(writer.id, other, remove_content=True)
    moderator = make_user(reputation=1, is_moderator=True)
    with pytest.raises(PermissionDenied, match="moderator"):
        erase_user(moderator.id, None, remove_content=False)
    with pytest.raises(PermissionDenied, match="Community"):
        erase_user(-1, None, remove_content=False)
    assert not PrivacyRecord.objects.filter(kind="erase").exists()
    assert Post.objects.filter(owner_id=writer.id, deletion_date=None).count() == 2


def test_the_command_says_what_it_would_do_then_does_it(make_user, ask, capsys):
    from quaestio.cli import main

    writer, *_rest = writer_with_content(make_user, ask)
    assert main(["user", "erase", str(writer.id), "--remove-content"]) == 1
    assert "Run it again with --yes" in capsys.readouterr().out
    assert Post.objects.filter(owner_id=writer.id, deletion_date=None).count() == 2
    assert main(["user", "erase", str(writer.id), "--remove-content", "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"Erased user {writer.id}" in out and "2 posts and 1 comments removed" in out
    credited = Post.objects.filter(owner_display_name=f"user{writer.id}")
    assert credited.count() == 2 and not credited.filter(deletion_date=None).exists()
