"""Write methods with an access token go through the same services as the web pages."""

from __future__ import annotations

import pytest

from quaestio.accounts.models import User
from quaestio.api.services import token_create
from quaestio.comments.models import Comment
from quaestio.posts.models import Post
from quaestio.votes.models import Vote, VoteType

pytestmark = pytest.mark.django_db
ANSWER_TEXT = "Because the archives opened in 1991 show the order came from the top."


@pytest.fixture
def writer(demo):
    """Ada (user 101, 2,311 reputation) with a write token."""
    user = User.objects.get(id=101)
    _, secret = token_create(user, name="bot", scopes=["write_access", "no_expiry"])
    return secret


def test_add_an_answer(api, writer):
    """questions/{id}/answers/add creates the answer as the token's user and returns it."""
    response, body = api.post("questions/38738/answers/add", body=ANSWER_TEXT, access_token=writer)
    assert response.status_code == 200, body
    answer = body["items"][0]
    assert answer["question_id"] == 38738 and answer["owner"]["user_id"] == 101
    assert Post.objects.get(id=answer["answer_id"]).body_markdown == ANSWER_TEXT
    assert Post.objects.get(id=38738).answer_count == 8


def test_preview_writes_nothing(api, writer):
    """preview=true returns what would be created and keeps nothing."""
    before = Post.objects.count()
    _, body = api.post(
        "questions/38738/answers/add", body=ANSWER_TEXT, preview="true", access_token=writer
    )
    assert body["items"][0]["question_id"] == 38738
    assert Post.objects.count() == before


def test_bad_content_is_refused_and_changes_nothing(api, writer):
    """A too-short body is write_failed with the service's reason; nothing is written."""
    before = Post.objects.count()
    response, body = api.post("questions/38738/answers/add", body="short", access_token=writer)
    assert response.status_code == 400
    assert body["error_name"] in ("write_failed", "bad_parameter")
    assert body["error_message"]
    assert Post.objects.count() == before


def test_ask_edit_and_delete_a_question(api, writer):
    """questions/add, questions/{id}/edit and questions/{id}/delete."""
    _, asked = api.post(
        "questions/add",
        title="Which roads did Trotsky take from Tampico to Mexico City?",
        body="I have read he arrived by tanker in 1937; how did he travel on from the port?",
        tags="mexico;leon-trotsky",
        access_token=writer,
    )
    question = asked["items"][0]
    assert question["tags"] == ["mexico", "leon-trotsky"]
    _, edited = api.post(
        f"questions/{question['question_id']}/edit",
        title="Which route did Trotsky take from Tampico to Mexico City in 1937?",
        access_token=writer,
    )
    assert edited["items"][0]["title"].startswith("Which route")
    response, deleted = api.post(f"questions/{question['question_id']}/delete", access_token=writer)
    assert response.status_code == 200 and deleted["items"] == []
    assert Post.objects.get(id=question["question_id"]).deletion_date is not None


def test_vote_and_undo(api, writer):
    """upvote sets upvoted and the score; upvote again is idempotent; undo takes it back."""
    score = Post.objects.get(id=38739).score
    api.post("answers/38739/upvote", access_token=writer)
    _, body = api.post("answers/38739/upvote", access_token=writer)
    assert body["items"][0]["score"] == score + 1
    _, body = api.post("answer/38739/upvote/undo", access_token=writer)
    assert body["items"][0]["score"] == score


def test_undo_of_a_vote_that_is_not_there_succeeds_and_changes_nothing(api, writer):
    """upvote/undo with no upvote standing answers with the post, unchanged (a retried undo);
    downvote/undo leaves a standing upvote alone."""
    score = Post.objects.get(id=38739).score
    response, body = api.post("answers/38739/upvote/undo", access_token=writer)
    assert response.status_code == 200 and body["items"][0]["score"] == score
    api.post("answers/38739/upvote", access_token=writer)
    _, body = api.post("answers/38739/downvote/undo", access_token=writer)
    assert body["items"][0]["score"] == score + 1
    assert Vote.objects.filter(post_id=38739, user_id=101, vote_type=VoteType.UP_MOD).exists()


def test_downvote_switches_a_standing_upvote(api, writer):
    """downvote when an upvote stands switches it (SE: click the other arrow)."""
    score = Post.objects.get(id=38739).score
    api.post("answers/38739/upvote", access_token=writer)
    _, body = api.post("answers/38739/downvote", access_token=writer)
    assert body["items"][0]["score"] == score - 1
    _, body = api.post("answers/38739/downvote", access_token=writer)
    assert body["items"][0]["score"] == score - 1


def test_accept_and_undo(api, writer):
    """The asker accepts an answer and takes the acceptance back."""
    _, body = api.post("answers/70011/accept", access_token=writer)
    assert body["items"][0]["is_accepted"] is True
    assert Post.objects.get(id=70010).accepted_answer_id == 70011
    _, body = api.post("answers/70011/accept", access_token=writer)  # a retry
    assert body["items"][0]["is_accepted"] is True
    _, body = api.post("answers/70011/accept/undo", access_token=writer)
    assert body["items"][0]["is_accepted"] is False
    _, body = api.post("answers/70011/accept/undo", access_token=writer)  # a retry
    assert body["items"][0]["is_accepted"] is False
    assert Post.objects.get(id=70010).accepted_answer_id is None


def test_comment_edit_and_delete(api, writer):
    """posts/{id}/comments/add, comments/{id}/edit and comments/{id}/delete."""
    _, body = api.post(
        "posts/38739/comments/add", body="Which archive holds that order?", access_token=writer
    )
    comment = body["items"][0]
    assert comment["owner"]["user_id"] == 101
    _, body = api.post(
        f"comments/{comment['comment_id']}/edit",
        body="Which archive holds that order, please?",
        access_token=writer,
    )
    assert Comment.objects.get(id=comment["comment_id"]).text.endswith("please?")
    api.post(f"comments/{comment['comment_id']}/delete", access_token=writer)
    assert Comment.objects.get(id=comment["comment_id"]).deletion_date is not None


def test_comment_upvote_and_undo_are_idempotent(api, writer):
    """comments/{id}/upvote twice counts once; upvote/undo twice takes it back once."""
    comment = Comment.objects.create(
        post_id=38739, user=User.objects.exclude(id=101).exclude(id=-1).first(), text="useful"
    )
    for _ in range(2):
        _, body = api.post(f"comments/{comment.id}/upvote", access_token=writer)
        assert body["items"][0]["score"] == 1
    for _ in range(2):
        _, body = api.post(f"comments/{comment.id}/upvote/undo", access_token=writer)
        assert body["items"][0]["score"] == 0
