"""Moderators' post tools (issue 17.4): merge, convert an answer to a comment, purge comments,
move comments to a discussion room; the audit log at /admin/history. Each tool is for
moderators only (checked on the server), writes its PostHistory rows and one audit row."""

from __future__ import annotations

import pytest
from django.test import Client

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import post_tools
from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.models import ModeratorAction, QuestionMerge, RoomMessage
from quaestio.posts.models import Post, PostHistory, PostHistoryType
from quaestio.posts.services import answer_post
from tests.moderation.states_support import community

pytestmark = pytest.mark.django_db
ANSWER = "The legions built pontoon bridges from boats lashed together and planked over."


@pytest.fixture
def moderator(make_user):
    return make_user(name="Mod Erator", is_moderator=True)


def _client(user, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _answer(question, make_user, body=ANSWER):
    return answer_post(make_user(reputation=200), question.id, body=body)


def _comments(post, make_user, count=3):
    return [
        comment_add(make_user(reputation=100), post.id, f"Comment number {n} on this post, long.")
        for n in range(count)
    ]


def _fresh(post):
    return Post.objects.get(id=post.id)


# Merge


def test_merge_moves_the_answers_deletes_the_source_and_redirects_its_url(
    moderator, make_user, ask
):
    source = ask(title="How did legions cross wide rivers?")
    target = ask(title="How did Roman armies cross rivers without bridges?")
    answers = [_answer(source, make_user), _answer(source, make_user)]
    _answer(target, make_user)
    moved = post_tools.question_merge(moderator, source.id, target.id)
    assert moved == 2
    assert set(Post.objects.filter(parent_id=target.id).values_list("id", flat=True)) >= {
        a.id for a in answers
    }
    source, target = _fresh(source), _fresh(target)
    assert source.deletion_date is not None and source.answer_count == 0
    assert target.answer_count == 3
    assert QuestionMerge.objects.get(source_id=source.id).target_id == target.id
    kinds = set(PostHistory.objects.values_list("post_id", "post_history_type"))
    assert (source.id, PostHistoryType.POST_MERGE_SOURCE) in kinds
    assert (target.id, PostHistoryType.POST_MERGE_DESTINATION) in kinds
    assert ModeratorAction.objects.get(action="merge").post_id == source.id
    for client in (Client(), _client(moderator)):  # readers and moderators alike
        response = client.get(f"/questions/{source.id}/how-did-legions-cross-wide-rivers")
        assert response.status_code == 301
        assert response["Location"].startswith(f"/questions/{target.id}/")


def test_merge_refuses_non_moderators_answers_and_itself(moderator, make_user, ask):
    source, target = ask(), ask(title="Where did Roman legions winter?")
    answer = _answer(source, make_user)
    with pytest.raises(PermissionDenied, match="Only moderators"):
        post_tools.question_merge(make_user(reputation=50000), source.id, target.id)
    with pytest.raises(ValidationFailed, match="into itself"):
        post_tools.question_merge(moderator, source.id, source.id)
    with pytest.raises(ValidationFailed, match="not a question"):
        post_tools.question_merge(moderator, answer.id, target.id)
    assert _fresh(source).deletion_date is None and not QuestionMerge.objects.exists()
    assert not ModeratorAction.objects.exists()


# Answer to comment


def test_an_answer_becomes_its_authors_comment_on_the_question(moderator, make_user, ask):
    question = ask()
    answer = _answer(question, make_user, body="Thanks, this helped me a lot with my essay!")
    comment = post_tools.answer_to_comment(moderator, answer.id, question.id)
    assert comment.post_id == question.id and comment.user_id == answer.owner_id
    assert comment.text == "Thanks, this helped me a lot with my essay!"
    assert comment.creation_date == answer.creation_date
    assert _fresh(answer).deletion_date is not None
    assert _fresh(question).answer_count == 0 and _fresh(question).comment_count == 1
    assert ModeratorAction.objects.get(action="answer-to-comment").comment_id == comment.id


def test_an_answer_becomes_a_comment_on_another_answer_not_elsewhere(moderator, make_user, ask):
    question, elsewhere = ask(), ask(title="Why did Rome fall?")
    answer = _answer(question, make_user, body="This answer should be a comment on the other.")
    other = _answer(question, make_user)
    with pytest.raises(ValidationFailed, match="question or another live answer"):
        post_tools.answer_to_comment(moderator, answer.id, elsewhere.id)
    comment = post_tools.answer_to_comment(moderator, answer.id, other.id)
    assert comment.post_id == other.id


def test_a_long_answer_does_not_fit_in_a_comment(moderator, make_user, ask):
    question = ask()
    answer = _answer(question, make_user, body="A very long answer. " * 40)
    with pytest.raises(ValidationFailed, match="600"):
        post_tools.answer_to_comment(moderator, answer.id, question.id)
    assert _fresh(answer).deletion_date is None and not Comment.objects.exists()


# Purge and move


def test_purge_deletes_every_comment_of_the_post(moderator, make_user, ask):
    question = ask()
    _comments(question, make_user, 4)
    assert post_tools.comments_purge(moderator, question.id) == 4
    assert not Comment.objects.filter(post=question, deletion_date=None).exists()
    assert _fresh(question).comment_count == 0
    assert ModeratorAction.objects.get(action="purge-comments").post_id == question.id
    with pytest.raises(ValidationFailed, match="no comments"):
        post_tools.comments_purge(moderator, question.id)


def test_moving_comments_to_chat_leaves_communitys_notice_and_a_transcript(
    moderator, make_user, ask
):
    community()
    question = ask()
    moved = _comments(question, make_user, 3)
    outcome = post_tools.comments_move_to_chat(moderator, question.id)
    assert outcome.moved == 3
    live = list(Comment.objects.filter(post=question, deletion_date=None))
    assert [c.id for c in live] == [outcome.notice.id]
    notice = live[0]
    assert notice.user_id == COMMUNITY_USER_ID
    assert notice.text.startswith(
        "Comments are not for extended discussion; this conversation has been"
    )
    assert f'href="/rooms/{outcome.room.id}"' in notice.text_html
    assert "moved to chat" in notice.text_html
    assert _fresh(question).comment_count == 1
    messages = list(RoomMessage.objects.filter(room=outcome.room).order_by("creation_date"))
    assert [m.comment_id for m in messages] == [c.id for c in moved]
    assert PostHistory.objects.filter(
        post=question, post_history_type=PostHistoryType.DISCUSSION_MOVED_TO_CHAT
    ).exists()
    transcript = Client().get(f"/rooms/{outcome.room.id}")
    assert transcript.status_code == 200
    page = transcript.content.decode()
    assert "Comment number 0 on this post" in page and "log in" in page.lower()
    # A visitor reads the room; talking in it needs an account (tests/chat/).
    assert 'id="room-say"' not in page.split('id="content"')[1]


def test_tool_forms_refuse_non_moderators_and_forged_posts(moderator, make_user, ask):
    question = ask()
    _comments(question, make_user, 2)
    trusted = _client(make_user(reputation=25000))
    assert trusted.get(f"/posts/{question.id}/moderate").status_code == 403
    for path in ("purge-comments", "move-comments", "merge"):
        assert trusted.get(f"/posts/{question.id}/{path}").status_code == 403
        assert trusted.post(f"/posts/{question.id}/{path}").status_code == 403
    assert Client().post(f"/posts/{question.id}/purge-comments").status_code == 302  # log in
    assert (
        _client(moderator, csrf=True).post(f"/posts/{question.id}/purge-comments").status_code
        == 403
    )
    assert Comment.objects.filter(post=question, deletion_date=None).count() == 2
    page = _client(moderator).get(f"/posts/{question.id}/purge-comments")
    assert page.status_code == 200 and "Delete all comments" in page.content.decode()
    done = _client(moderator).post(f"/posts/{question.id}/purge-comments")
    assert done.status_code == 302
    assert not Comment.objects.filter(post=question, deletion_date=None).exists()


def test_merge_form_takes_a_link_and_explains_a_bad_target(moderator, make_user, ask):
    source, target = ask(), ask(title="How were Roman roads built?")
    client = _client(moderator)
    bad = client.post(f"/posts/{source.id}/merge", {"target": "somewhere"})
    assert bad.status_code == 400 and "id or the link" in bad.content.decode()
    done = client.post(
        f"/posts/{source.id}/merge", {"target": f"https://example.org/questions/{target.id}/x"}
    )
    assert done.status_code == 302 and done["Location"].startswith(f"/questions/{target.id}/")


# The audit log


def test_history_is_for_moderators_newest_first_and_keyset_paged(moderator, make_user):
    for n in range(55):
        record_moderator_action(moderator, "lock", post_id=n + 1, details=f"action {n}")
    client = _client(moderator)
    first = client.get("/admin/history").content.decode()
    assert "action 54" in first and "action 5<" in first and "action 4<" not in first
    assert "?before=" in first
    cursor = first.split("?before=")[1].split('"')[0]
    second = client.get(f"/admin/history?before={cursor}").content.decode()
    assert "action 4<" in second and "action 0<" in second and "action 54" not in second
    assert "?before=" not in second
    assert _client(make_user(reputation=50000)).get("/admin/history").status_code == 403
    assert Client().get("/admin/history").status_code == 302


def test_the_question_page_offers_mod_tools_to_moderators_only(moderator, make_user, ask):
    question = ask()
    link = f'href="/posts/{question.id}/moderate"'
    assert link in _client(moderator).get(f"/questions/{question.id}", follow=True).content.decode()
    for reader in (Client(), _client(make_user(reputation=50000))):
        assert link not in reader.get(f"/questions/{question.id}", follow=True).content.decode()
    tools = _client(moderator).get(f"/posts/{question.id}/moderate").content.decode()
    assert "Merge into another question" in tools and "Move the comments" in tools


def test_the_counters_agree_with_recount_after_every_tool(moderator, make_user, ask):
    """Answer and comment counts written by merge, convert, purge and move are what
    `quaestio recount` computes from the rows."""
    from quaestio.core.counters import recount

    community()
    source, target = ask(), ask(title="How did Roman engineers build bridges?")
    for question in (source, target):
        _answer(question, make_user)
        _comments(question, make_user, 2)
    convertible = _answer(target, make_user, body="Short thanks, this helped me a lot!")
    post_tools.question_merge(moderator, source.id, target.id)
    post_tools.answer_to_comment(moderator, convertible.id, target.id)
    post_tools.comments_move_to_chat(moderator, target.id)
    other = ask(title="Why did legions carry stakes?")
    _comments(other, make_user, 2)
    post_tools.comments_purge(moderator, other.id)
    assert not any(recount().values())
