"""Atom feeds at Stack Exchange's addresses, linked from their pages, crediting authors and
the CC BY-SA licence, escaping what users wrote, in a bounded number of queries."""

from __future__ import annotations

from xml.etree import ElementTree

from django.db import connection
from django.test.utils import CaptureQueriesContext

from quaestio.comments.services import comment_add
from quaestio.posts.services import answer_post

ATOM = "{http://www.w3.org/2005/Atom}"
ANSWER_BODY = "An answer that is long enough to pass the thirty character minimum here."


def _feed(client, path: str) -> ElementTree.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def _titles(feed) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_newest_feed_lists_questions_with_author_and_licence(client, ask):
    """/feeds lists the newest questions first, each with its author and a CC BY-SA rights
    line; a title with markup arrives as text, escaped in the XML."""
    ask(title="First question about the <Roman> roads?")
    ask(title="Second question about the Gallic wars?")
    feed = _feed(client, "/feeds")
    assert _titles(feed)[:2] == [
        "Second question about the Gallic wars?",
        "First question about the <Roman> roads?",
    ]
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}author/{ATOM}name").text.startswith("User")
    assert entry.findtext(f"{ATOM}author/{ATOM}uri").startswith("http://testserver/users/")
    assert entry.findtext(f"{ATOM}id").startswith("http://testserver/questions/")
    assert "CC BY-SA" in entry.findtext(f"{ATOM}rights")
    assert "CC BY-SA" in feed.findtext(f"{ATOM}rights")


def test_question_feed_has_answers_and_comments(client, ask, make_user):
    """/feeds/question/<id> carries the question, its answers and its comments."""
    question = ask()
    answer_post(make_user(reputation=50), question.id, body=ANSWER_BODY)
    comment_add(make_user(reputation=50), question.id, "A comment on the question itself.")
    titles = _titles(_feed(client, f"/feeds/question/{question.id}"))
    assert question.title in titles
    assert any(t.startswith("Answer by") for t in titles)
    assert any(t.startswith("Comment by") for t in titles)
    assert client.get("/feeds/question/999999").status_code == 404


def test_tag_and_user_feeds(client, ask, make_user):
    """/feeds/tag/<name> has the tag's questions only; /feeds/user/<id> the user's posts."""
    author = make_user(reputation=1000)
    ask(user=author, title="A question in the rome tag here?", tags="rome")
    ask(title="A question in the gaul tag instead?", tags="gaul")
    assert _titles(_feed(client, "/feeds/tag/rome")) == ["A question in the rome tag here?"]
    assert _titles(_feed(client, f"/feeds/user/{author.id}")) == [
        "A question in the rome tag here?"
    ]
    assert client.get("/feeds/tag/no-such-tag").status_code == 404


def test_pages_link_their_feeds(client, ask):
    """The questions list, a question, a tag page and a profile each name their feed with
    <link rel="alternate" type="application/atom+xml">."""
    question = ask(tags="rome")
    pages = {
        "/questions": "/feeds",
        f"/questions/{question.id}/x": f"/feeds/question/{question.id}",
        "/questions/tagged/rome": "/feeds/tag/rome",
        f"/users/{question.owner_id}/x": f"/feeds/user/{question.owner_id}",
    }
    for page, feed in pages.items():
        html = client.get(page, follow=True).content.decode()
        assert 'rel="alternate" type="application/atom+xml"' in html, page
        assert f'{feed}"' in html, page


def test_feed_cost_does_not_grow_with_the_site(client, ask):
    """The newest-questions feed reads the same number of queries with 2 or 12 questions."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/feeds")
        return len(captured)

    ask()
    ask(title="Another question to start the feed with?")
    few = queries()
    for n in range(10):
        ask(title=f"Question number {n} to grow the site a little?")
    assert queries() == few
