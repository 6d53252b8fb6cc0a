"""New users may post at most 2 links per question or answer (issue 17, spec §11: users under
10 reputation, the "remove new user restrictions" privilege; QUAESTIO_NEW_USER_MAX_LINKS)."""

from __future__ import annotations

import pytest

from quaestio.comments.services import comment_add
from quaestio.core.errors import ValidationFailed
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post, post_edit, question_ask
from quaestio.tags.models import Tag

pytestmark = pytest.mark.django_db
TITLE = "How did Roman legions cross rivers?"
BODY = "I read that the legions crossed the Rhine on a bridge; how long did that take? "


def _links(count: int) -> str:
    return " ".join(f"[source {i}](https://example.org/{i})" for i in range(count))


@pytest.fixture(autouse=True)
def _tag(db):
    Tag.objects.create(name="rome")


def test_new_user_question_with_three_links_is_refused_with_the_reason(make_user):
    with pytest.raises(ValidationFailed) as caught:
        question_ask(make_user(reputation=1), title=TITLE, body=BODY + _links(3), tags="rome")
    message = caught.value.message
    assert "at most 2 links" in message and "under 10 reputation" in message
    assert "this post has 3" in message
    assert caught.value.fields == {"body": [message]}
    assert not Post.objects.exists()


def test_two_links_are_fine_and_bare_urls_count(make_user):
    question_ask(make_user(reputation=1), title=TITLE, body=BODY + _links(2), tags="rome")
    bare = BODY + "https://example.org/a https://example.org/b https://example.org/c"
    with pytest.raises(ValidationFailed, match="at most 2 links"):
        question_ask(make_user(reputation=1), title=TITLE, body=bare, tags="rome")
    assert Post.objects.count() == 1


def test_answers_and_edits_are_limited_too(make_user, ask):
    question = ask()
    newcomer = make_user(reputation=1)
    with pytest.raises(ValidationFailed, match="at most 2 links"):
        answer_post(newcomer, question.id, body=BODY + _links(3))
    answer = answer_post(newcomer, question.id, body=BODY + _links(1))
    with pytest.raises(ValidationFailed, match="at most 2 links"):
        post_edit(newcomer, answer.id, body=BODY + _links(3))
    answer.refresh_from_db()
    assert answer.body_markdown == BODY + _links(1)


def test_ten_reputation_lifts_the_limit(make_user):
    question_ask(make_user(reputation=10), title=TITLE, body=BODY + _links(9), tags="rome")
    assert Post.objects.count() == 1


def test_comments_are_not_limited(make_user, ask):
    """The spec counts links per post; new users comment only under their own posts."""
    newcomer = make_user(reputation=1)
    question = ask(user=newcomer, body=BODY + _links(1))
    comment_add(
        newcomer, question.id, "More: " + " ".join(f"https://example.org/{i}" for i in range(3))
    )


def test_the_limit_is_a_setting(make_user, settings):
    settings.QUAESTIO_NEW_USER_MAX_LINKS = 8
    question_ask(make_user(reputation=1), title=TITLE, body=BODY + _links(8), tags="rome")
    with pytest.raises(ValidationFailed, match="at most 8 links"):
        question_ask(make_user(reputation=1), title=TITLE, body=BODY + _links(9), tags="rome")


def test_the_ask_page_shows_the_reason(make_user, client):
    client.force_login(make_user(reputation=1))
    response = client.post(
        "/questions/ask", {"title": TITLE, "body": BODY + _links(3), "tags": "rome"}
    )
    assert response.status_code == 400
    assert "at most 2 links" in response.content.decode()
