"""Deleted posts on the question page (issue 15.7): shown, shaded, with who deleted them and an
Undelete action, to their owner, holders of the moderator tools privilege and moderators; never
to anyone else. Undelete is a confirm page and a POST, like Delete."""

from __future__ import annotations

import pytest

from quaestio.core import links
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post, post_delete
from quaestio.reputation.privileges import threshold
from tests.web.pages import question_html


@pytest.fixture
def deleted_answer(ask, make_user):
    asker = make_user(reputation=100, name="Asker")
    question = ask(user=asker)
    author = make_user(reputation=60, name="Author")
    answer = answer_post(author, question.id, body="An answer that its author will delete.")
    post_delete(author, answer.id)
    return question, answer, author


def _article(html: str, answer_id: int) -> str:
    start = html.find(f'id="answer-{answer_id}"')
    return html[html.rfind("<article", 0, start) : html.find("</article>", start)]


def test_owner_and_privileged_viewers_see_the_deleted_answer_shaded(
    client, deleted_answer, make_user
):
    """The author, a moderator and a user with the moderator tools privilege see the deleted
    answer shaded with "Deleted by <name>"; the author and the moderator get Undelete (the
    author deleted it), the 10k user does not (undeleting others' posts is a moderator's)."""
    question, answer, author = deleted_answer
    ten_k = make_user(reputation=threshold("moderator_tools"))
    moderator = make_user(reputation=1, is_moderator=True)
    undelete = links.post_action_url(answer.id, "undelete")
    for viewer, may_undelete in ((author, True), (moderator, True), (ten_k, False)):
        article = _article(question_html(client, viewer, question), answer.id)
        assert "deleted-post" in article
        assert "Deleted by" in article and "Author" in article
        assert (f'href="{undelete}"' in article) is may_undelete


def test_others_never_see_the_deleted_answer(client, deleted_answer, make_user):
    """Visitors, the asker and a 9,999-reputation user see no trace of it."""
    question, answer, _author = deleted_answer
    below = make_user(reputation=threshold("moderator_tools") - 1)
    asker = question.owner
    for viewer in (None, asker, below):
        html = question_html(client, viewer, question)
        assert f'id="answer-{answer.id}"' not in html
        assert "An answer that its author will delete" not in html


def test_undelete_confirm_page_and_post(client, deleted_answer):
    """GET shows a confirm page (it answered 405 before); the POST undeletes the answer, which
    everyone sees again."""
    question, answer, author = deleted_answer
    client.force_login(author)
    url = links.post_action_url(answer.id, "undelete")
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Undelete this answer?" in confirm.content.decode()
    assert client.post(url).status_code == 302
    answer.refresh_from_db()
    assert answer.deletion_date is None
    assert f'id="answer-{answer.id}"' in question_html(client, None, question)


def test_undelete_is_404_for_those_who_may_not_see_the_post(client, deleted_answer, make_user):
    """A user who may not see the deleted post cannot reach its Undelete page nor POST it."""
    _question, answer, _author = deleted_answer
    client.force_login(make_user(reputation=500))
    url = links.post_action_url(answer.id, "undelete")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    answer.refresh_from_db()
    assert answer.deletion_date is not None


def test_revisions_of_a_deleted_post(client, deleted_answer, make_user):
    """The revisions page of a deleted post works for its owner and a moderator, and is 404
    for anyone else."""
    _question, answer, author = deleted_answer
    url = links.revisions_url(answer.id)
    for viewer, status in (
        (author, 200),
        (make_user(reputation=1, is_moderator=True), 200),
        (make_user(reputation=500), 404),
        (None, 404),
    ):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        assert client.get(url).status_code == status


def test_deleted_question_shown_to_its_owner_with_undelete(client, ask):
    """A question its owner deleted stays reachable for them, with Undelete; the POST brings
    it back for everyone."""
    question = ask()
    owner = question.owner
    post_delete(owner, question.id)
    html = question_html(client, owner, question)
    assert 'class="question deleted-post"' in html
    url = links.post_action_url(question.id, "undelete")
    assert f'href="{url}"' in html
    client.logout()
    assert client.get(links.question_url(question.id, question.title)).status_code == 404
    client.force_login(owner)
    assert client.post(url).status_code == 302
    assert Post.objects.get(id=question.id).deletion_date is None
