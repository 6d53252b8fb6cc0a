"""Comments through the services: who may comment, length, rendering, edit window, delete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add, comment_delete, comment_edit
from quaestio.core.errors import PermissionDenied, RateLimited, ValidationFailed
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post
from tests.writing_support import BODY


def test_commenting_on_others_posts_needs_50_reputation(ask, make_user):
    """The message names the privilege, the threshold and the user's reputation."""
    question = ask()
    with pytest.raises(
        PermissionDenied, match="Commenting on others' posts needs 50 reputation; you have 12"
    ):
        comment_add(make_user(reputation=12), question.id, "A comment that is long enough.")


def test_anyone_comments_on_own_post_and_answers_to_own_question(ask, make_user):
    """Own posts, and answers to one's own question, take comments at 1 reputation."""
    asker = make_user(reputation=1)
    question = ask(user=asker)
    comment_add(asker, question.id, "Comment on my own question here.")
    answer = answer_post(make_user(), question.id, body=BODY)
    cache.clear()  # the 15-second comment interval
    comment_add(asker, answer.id, "Comment on an answer to my question.")
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    "text,message", [("too short", "at least 15"), ("x" * 601, "longer than 600")]
)
def test_comment_length_15_to_600(ask, text, message):
    """Comments outside 15–600 characters are refused."""
    question = ask()
    with pytest.raises(ValidationFailed, match=message):
        comment_add(question.owner, question.id, text)
    assert not Comment.objects.exists()


def test_comment_renders_mini_markdown_and_magic_links(ask):
    """Bold, code, [edit] pointing at this post's edit page, and no raw HTML."""
    question = ask()
    comment = comment_add(
        question.owner, question.id, "**bold** `code` please [edit] <script>x</script>"
    )
    assert "<strong>bold</strong>" in comment.text_html
    assert "<code>code</code>" in comment.text_html
    assert f'href="/posts/{question.id}/edit"' in comment.text_html
    assert "<script>" not in comment.text_html


def test_comment_counts_and_interval(ask):
    """A comment raises the post's comment_count; a second within 15 seconds is refused."""
    question = ask()
    comment_add(question.owner, question.id, "The first comment on this post.")
    with pytest.raises(RateLimited, match="15 seconds"):
        comment_add(question.owner, question.id, "The second comment, too soon.")
    assert Post.objects.get(id=question.id).comment_count == 1


def test_comment_edit_within_five_minutes_only(ask):
    """The author edits for 5 minutes; afterwards the edit is refused and the text kept."""
    question = ask()
    comment = comment_add(question.owner, question.id, "The first version of the comment.")
    comment_edit(question.owner, comment.id, "The second version of the comment.")
    comment.refresh_from_db()
    assert comment.text == "The second version of the comment." and comment.edit_date
    Comment.objects.filter(id=comment.id).update(
        creation_date=timezone.now() - timedelta(minutes=6)
    )
    cache.clear()
    with pytest.raises(PermissionDenied, match="5 minutes"):
        comment_edit(question.owner, comment.id, "A third version, too late now.")
    comment.refresh_from_db()
    assert comment.text == "The second version of the comment."


def test_comment_edits_at_most_every_five_seconds(ask):
    """Two edits in a row within 5 seconds: the second is refused."""
    question = ask()
    comment = comment_add(question.owner, question.id, "The first version of the comment.")
    comment_edit(question.owner, comment.id, "The second version of the comment.")
    with pytest.raises(RateLimited):
        comment_edit(question.owner, comment.id, "The third version of the comment.")


def test_only_the_author_edits_or_deletes(ask, make_user):
    """Someone else cannot edit or delete a comment."""
    question = ask()
    comment = comment_add(question.owner, question.id, "A comment by the question owner.")
    other = make_user(reputation=5000)
    with pytest.raises(PermissionDenied):
        comment_edit(other, comment.id, "Someone else rewriting it here.")
    with pytest.raises(PermissionDenied):
        comment_delete(other, comment.id)


def test_delete_own_comment_soft_deletes_and_counts(ask):
    """Deleting sets deletion_date and lowers comment_count."""
    question = ask()
    comment = comment_add(question.owner, question.id, "A comment that will be deleted.")
    comment_delete(question.owner, comment.id)
    comment.refresh_from_db()
    assert comment.deletion_date is not None
    assert Post.objects.get(id=question.id).comment_count == 0


def test_locked_post_takes_no_comments(ask):
    """A locked post refuses comments, even from its owner."""
    question = ask()
    Post.objects.filter(id=question.id).update(locked_date=timezone.now())
    with pytest.raises(PermissionDenied, match="locked"):
        comment_add(question.owner, question.id, "A comment on a locked post.")


def test_moderator_edits_comments_any_time(ask, make_user):
    """Moderators are not bound by the 5-minute window."""
    question = ask()
    comment = comment_add(question.owner, question.id, "The first version of the comment.")
    Comment.objects.filter(id=comment.id).update(creation_date=timezone.now() - timedelta(days=1))
    comment_edit(make_user(is_moderator=True), comment.id, "A moderator's rewording of it.")
    comment.refresh_from_db()
    assert comment.text == "A moderator's rewording of it."


def test_comment_edit_page_after_the_window_offers_only_delete(client, ask):
    """Past 5 minutes the edit page explains why and keeps the delete button."""
    question = ask()
    comment = comment_add(question.owner, question.id, "A comment that will age a while.")
    Comment.objects.filter(id=comment.id).update(
        creation_date=timezone.now() - timedelta(minutes=6)
    )
    client.force_login(question.owner)
    html = client.get(f"/comments/{comment.id}/edit").content.decode()
    assert "only be edited for 5 minutes" in html
    assert 'name="text"' not in html
    assert f'action="/comments/{comment.id}/delete"' in html


def test_own_upvoted_comments_can_be_deleted_under_at_most_20_posts_a_day(ask, make_user):
    """Spec §6.1: deleting one's own upvoted comments is limited to 20 posts per UTC day;
    comments nobody upvoted, and further ones under an already-counted post, stay deletable."""
    author = make_user(reputation=100)
    now = timezone.now()
    posts = [ask(title=f"Question number {n} about river crossings") for n in range(21)]
    upvoted = [
        Comment.objects.create(post=post, user=author, text="a useful remark here", score=1)
        for post in posts
    ]
    Comment.objects.filter(id__in=[c.id for c in upvoted[:20]]).update(deletion_date=now)
    with pytest.raises(PermissionDenied, match="20 posts today"):
        comment_delete(author, upvoted[20].id)
    unvoted = Comment.objects.create(post=posts[20], user=author, text="nobody voted on this one")
    comment_delete(author, unvoted.id)
    again = Comment.objects.create(
        post=posts[0], user=author, text="another upvoted remark", score=2
    )
    comment_delete(author, again.id)
    assert Comment.objects.get(id=upvoted[20].id).deletion_date is None
