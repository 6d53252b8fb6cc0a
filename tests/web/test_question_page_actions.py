"""The question page offers each viewer exactly what the policies allow, and every action it
offers succeeds when used (issue 14.1).

The page's decisions come from the page model (posts/actions.py, decided in bulk from the rows
the page loads); the expectations here come from the single-post checks the services run
(`can_edit`, `can_delete`, `can_comment`, `post_frozen_reason` ...), read from the database, so
the two paths are held to one rule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.comments import policies as comment_policies
from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add
from quaestio.core import links
from quaestio.posts import policies as post_policies
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post
from quaestio.votes import policies as vote_policies
from quaestio.votes.models import Bounty, CommentVote, Vote, VoteType
from tests.web.pages import question_html

ROLES = ("anonymous", "new user", "owner", "2k editor", "moderator")

# Every URL the thread can offer as an action; Share and History are links for everyone.
_ACTION = re.compile(
    r'(?:href|action)="(/(?:posts/\d+/(?:edit|delete|undelete|bounty|accept|vote/up|vote/down'
    r"|comments/new)|comments/\d+/(?:vote/up|edit|delete)|questions/\d+/answer))\""
)


@pytest.fixture
def thread(ask, make_user):
    """A three-day-old question by a 100-reputation asker, an answer by a 60-reputation user,
    a comment by the answerer under the question and one by the asker under the answer."""
    asker = make_user(reputation=100, name="Asker")
    question = ask(user=asker)
    Post.objects.filter(id=question.id).update(creation_date=timezone.now() - timedelta(days=3))
    answerer = make_user(reputation=60, name="Answerer")
    answer = answer_post(answerer, question.id, body="An answer long enough to be accepted here.")
    comment_add(answerer, question.id, "A comment under the question, long enough.")
    comment_add(asker, answer.id, "A comment under the answer, also long enough.")
    return {"question": question, "answer": answer, "asker": asker, "answerer": answerer}


def _viewer(role: str, thread, make_user) -> User | None:
    if role == "anonymous":
        return None
    if role == "owner":
        return thread["asker"]
    if role == "new user":
        return make_user(reputation=1)
    if role == "2k editor":
        return make_user(reputation=2000)
    return make_user(reputation=1, is_moderator=True)


def offered(html: str) -> set[str]:
    return set(_ACTION.findall(html))


def allowed_by_policies(user, question_id: int) -> set[str]:
    """The actions the single-post policies allow this user, as the URLs that use them."""
    now = timezone.now()
    question = Post.objects.get(id=question_id)
    answers = list(Post.objects.filter(parent_id=question_id).select_related("parent"))
    urls: set[str] = set()
    if post_policies.may_answer(user, question)[0]:
        urls.add(links.page_url("answer", question.id))
    for post in [question, *answers]:
        if post_policies.can_edit(user, post)[0] or post_policies.can_suggest_edit(user, post)[0]:
            urls.add(links.post_action_url(post.id, "edit"))
        if post_policies.can_delete(user, post)[0]:
            urls.add(links.post_action_url(post.id, "delete"))
        if comment_policies.can_comment(user, post)[0]:
            urls.add(links.post_action_url(post.id, "comment"))
        if not vote_policies.post_frozen_reason(post):
            for direction, vote_type in (("up", VoteType.UP_MOD), ("down", VoteType.DOWN_MOD)):
                if not vote_policies.can_vote_on_post(user, post, vote_type):
                    urls.add(links.post_vote_url(post.id, direction))
        if post.is_answer and not vote_policies.can_accept(user, question, post, now):
            urls.add(links.post_action_url(post.id, "accept"))
    if user is not None:
        answered = any(a.owner_id == user.id for a in answers)
        refusal = vote_policies.can_offer_bounty(
            user,
            question,
            vote_policies.bounty_minimum(answered),
            now,
            has_open_bounty=Bounty.objects.filter(question=question, state="open").exists(),
            open_bounties_of_user=Bounty.objects.filter(offerer=user, state="open").count(),
            answered_by_user=answered,
        )
        if not refusal:
            urls.add(links.post_action_url(question.id, "bounty"))
    for comment in Comment.objects.filter(post_id__in=[question.id, *(a.id for a in answers)]):
        if not vote_policies.can_vote_on_comment(user, comment):
            urls.add(links.comment_action_url(comment.id, "vote"))
        if comment_policies.can_edit_comment(user, comment)[0]:
            urls.add(links.comment_action_url(comment.id, "edit"))
        if comment_policies.can_delete_comment(user, comment)[0]:
            urls.add(links.comment_action_url(comment.id, "delete"))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_page_offers_what_the_policies_allow(client, thread, make_user, role):
    """For each role, the set of actions the page offers (forms and links) equals the set the
    policies allow, post by post and comment by comment."""
    viewer = _viewer(role, thread, make_user)
    html = question_html(client, viewer, thread["question"])
    assert offered(html) == allowed_by_policies(viewer, thread["question"].id)


def test_roles_see_what_each_may_do(client, thread, make_user):
    """The expectations are not empty: the owner may accept, comment, delete and offer a
    bounty; the 2k editor edits and votes; the moderator deletes others' posts (shown only to
    owners before); the new user and the visitor get no action at all."""
    question, answer = thread["question"], thread["answer"]
    owner = offered(question_html(client, thread["asker"], question))
    assert links.post_action_url(answer.id, "accept") in owner
    assert links.post_action_url(question.id, "bounty") in owner
    assert links.post_action_url(question.id, "delete") in owner
    editor = offered(question_html(client, make_user(reputation=2000), question))
    assert links.post_action_url(answer.id, "edit") in editor
    assert links.post_vote_url(answer.id, "down") in editor
    moderator = offered(question_html(client, make_user(reputation=1, is_moderator=True), question))
    assert links.post_action_url(answer.id, "delete") in moderator
    assert offered(question_html(client, None, question)) == set()
    new_user = offered(question_html(client, make_user(reputation=1), question))
    assert new_user == {links.page_url("answer", question.id)} | {
        links.post_action_url(post.id, "edit") for post in (question, answer)
    }  # answering, and suggesting edits


def _use(client, url: str, thread) -> tuple[int, str]:
    """Uses one offered action as a browser would: a confirm or form page first where there
    is one, then the POST. Returns the final status and what it changed, for the message."""
    if url.endswith("/edit") and url.startswith("/posts/"):
        page = client.get(url)
        assert page.status_code == 200 and 'role="alert"' not in page.content.decode()
        post = Post.objects.get(id=int(url.split("/")[2]))
        response = client.post(
            url,
            {
                "title": post.title,
                "body": post.body_markdown + "\n\nEdited to add one more useful sentence.",
                "tags": "rome",
                "comment": "added a sentence",
            },
        )
        return response.status_code, "edit"
    if url.endswith("/delete") and url.startswith("/posts/"):
        page = client.get(url)
        assert page.status_code == 200 and 'role="alert"' not in page.content.decode()
        return client.post(url).status_code, "delete"
    if url.endswith("/bounty"):
        assert client.get(url).status_code == 200
        return client.post(url, {"amount": "50", "reason": "attention"}).status_code, "bounty"
    if url.endswith("/comments/new"):
        assert client.get(url).status_code == 200
        text = "A new comment with enough characters in it."
        return client.post(url, {"text": text}).status_code, "comment"
    if url.endswith("/answer"):
        body = "Another answer, long enough to pass the minimum length."
        return client.post(url, {"body": body}).status_code, "answer"
    if url.startswith("/comments/") and url.endswith("/edit"):
        text = "An edited comment with enough characters in it."
        return client.post(url, {"text": text}).status_code, "comment edit"
    if url.startswith("/comments/") and url.endswith("/delete"):
        return client.post(url).status_code, "comment delete"
    # Votes, accepts and comment votes, with the intent their forms carry (nothing is pressed
    # in this thread yet).
    intent = {"up": "up", "down": "down", "accept": "accept"}[url.rsplit("/", 1)[1]]
    return client.post(url, {"intent": intent}).status_code, "post"


@pytest.mark.parametrize("role", ROLES)
def test_every_offered_action_succeeds(client, thread, make_user, role):
    """Each action the page offers, used through the test client (each in its own rolled-back
    transaction, so one does not change the next), is carried out: a redirect, never a
    refusal. Rate limits (one comment per 15 seconds ...) are told when a form is sent, not
    decided by the page, so each action starts with them cleared."""
    from django.core.cache import cache

    from quaestio.votes import rules

    viewer = _viewer(role, thread, make_user)
    urls = offered(question_html(client, viewer, thread["question"]))
    for url in sorted(urls):
        cache.clear()
        with transaction.atomic():
            status, kind = _use(client, url, thread)
            # The suggested edit of a user without the edit privilege answers its own page.
            assert status in (302, 200 if kind == "edit" else 302), (url, status)
            transaction.set_rollback(True)
    assert rules.BOUNTY_MIN == 50  # the amount used above


def test_moderator_may_answer_a_locked_question(client, thread, make_user):
    """The answer form honours the moderator exception on locked questions (may_answer); the
    owner of a locked question gets the reason instead."""
    question = thread["question"]
    Post.objects.filter(id=question.id).update(locked_date=timezone.now())
    moderator = make_user(reputation=1, is_moderator=True)
    assert 'id="answer-form"' in question_html(client, moderator, question)
    owner_page = question_html(client, thread["asker"], question)
    assert 'id="answer-form"' not in owner_page
    assert "locked" in owner_page


def test_comment_upvoted_by_the_viewer_renders_pressed(client, thread, make_user):
    """After a reload, a comment the viewer upvoted shows pressed, so a click takes the vote
    back knowingly (it rendered unpressed before)."""
    voter = make_user(reputation=15)
    comment = Comment.objects.get(post_id=thread["question"].id)
    client.force_login(voter)
    client.post(links.comment_action_url(comment.id, "vote"))
    assert CommentVote.objects.filter(comment=comment, user=voter).exists()
    html = question_html(client, voter, thread["question"])
    item = re.search(rf'<li [^>]*id="comment-{comment.id}".*?</li>', html, re.S).group(0)
    assert 'aria-pressed="true"' in item


def test_post_vote_renders_pressed_and_locked_vote_is_refused(client, thread, make_user):
    """The viewer's vote shows pressed; once older than the change window (and the post not
    edited since) both arrows are refused with the policy's reason instead of a form."""
    voter = make_user(reputation=200)
    answer = thread["answer"]
    client.force_login(voter)
    client.post(links.post_vote_url(answer.id, "up"))
    html = question_html(client, voter, thread["question"])
    assert links.post_vote_url(answer.id, "up") in offered(html)
    Vote.objects.filter(user=voter).update(creation_date=timezone.now() - timedelta(hours=1))
    html = question_html(client, voter, thread["question"])
    assert links.post_vote_url(answer.id, "up") not in offered(html)
    assert "your vote is locked in" in html


def test_asker_may_not_delete_a_question_with_an_upvoted_answer(client, thread, make_user):
    """Once its only answer is upvoted, the asker is no longer offered Delete (spec §5.7), as
    the policy decides from the database."""
    question, answer = thread["question"], thread["answer"]
    client.force_login(make_user(reputation=2000))
    client.post(links.post_vote_url(answer.id, "up"))
    html = question_html(client, thread["asker"], question)
    assert links.post_action_url(question.id, "delete") not in offered(html)
    assert offered(html) == allowed_by_policies(thread["asker"], question.id)
