"""What readers and editors see of dead links: the question page marks them with their
archived copy, and editors get the list of posts that carry them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaestio.core import links
from quaestio.linkcheck.checker import FAILED, Outcome
from quaestio.linkcheck.models import Link
from quaestio.linkcheck.services import archive_record, check_record, post_links_sync
from quaestio.web.dead_links import mark_dead_links

DAY0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ARCHIVE = "http://web.archive.org/web/2020/http://example.org/gone?a=1&b=2"


def _kill(url: str) -> Link:
    link = Link.objects.get(url=url)
    for day in range(3):
        check_record(link.id, Outcome(FAILED, 404, "HTTP 404"), DAY0 + timedelta(days=day))
    return Link.objects.get(id=link.id)


@pytest.fixture
def question(ask):
    body = (
        "The record is [here](http://example.org/gone?a=1&b=2) and "
        "[this one](http://example.org/alive) still works."
    )
    question = ask(body=body)
    post_links_sync([question.id])
    return question


def test_the_question_page_marks_a_dead_link_with_its_archived_copy(client, question):
    """The page was kept before the link died; the death bumps the thread, so the next view
    shows "dead link" and "archived copy" beside it, and the live link unmarked."""
    url = links.question_url(question.id, question.title)
    assert "dead link" not in client.get(url).content.decode()
    link = _kill("http://example.org/gone?a=1&b=2")
    archive_record(link.id, ARCHIVE)
    html = client.get(url).content.decode()
    assert html.count("dead link") == 1
    assert 'class="dead-link"' in html
    assert (
        '<a href="http://web.archive.org/web/2020/http://example.org/gone?a=1&amp;b=2" '
        'rel="nofollow noopener noreferrer" class="archived-copy">archived copy</a>' in html
    )


def test_a_dead_link_without_a_copy_is_marked_alone(client, question):
    _kill("http://example.org/gone?a=1&b=2")
    html = client.get(links.question_url(question.id, question.title)).content.decode()
    assert "dead link" in html and "archived copy" not in html


def test_marking_escapes_the_archived_copy_and_leaves_other_links():
    html = '<p><a href="http://a.org/x" title="t">x</a> <a href="http://b.org/">b</a></p>'
    marked = mark_dead_links(html, {"http://a.org/x": 'http://w.org/"><script>'})
    assert "<script>" not in marked and "&#34;&gt;&lt;script&gt;" in marked
    assert '<a href="http://b.org/">b</a></p>' in marked
    assert mark_dead_links(html, {}) is html


def test_editors_see_the_posts_with_dead_links(client, question, make_user, ask):
    link = _kill("http://example.org/gone?a=1&b=2")
    archive_record(link.id, ARCHIVE)
    client.force_login(make_user(reputation=2000))
    response = client.get("/tools/dead-links")
    html = response.content.decode()
    assert response.status_code == 200
    assert question.title in html and "http://example.org/gone?a=1&amp;b=2" in html
    assert "archived copy" in html and f"/posts/{question.id}/edit" in html
    assert "http://example.org/alive" not in html


def test_the_list_is_paged_newest_first(client, make_user, ask, settings):
    from quaestio.linkcheck import selectors

    questions = []
    for number in range(3):
        q = ask(
            title=f"Question number {number} about rivers",
            body=f"See http://dead.example/{number} for more.",
        )
        post_links_sync([q.id])
        _kill(f"http://dead.example/{number}")
        questions.append(q)
    first = selectors.dead_link_posts(size=2)
    assert [r.post_id for r in first.rows] == [questions[2].id, questions[1].id]
    second = selectors.dead_link_posts(before=first.next_key, size=2)
    assert [r.post_id for r in second.rows] == [questions[0].id] and second.next_key is None
    client.force_login(make_user(reputation=2000))
    assert client.get(f"/tools/dead-links?before={questions[1].id}").status_code == 200
    assert client.get("/tools/dead-links?before=junk").status_code == 200


def test_deleted_posts_are_left_out(client, question, make_user):
    _kill("http://example.org/gone?a=1&b=2")
    question.deletion_date = DAY0
    question.save(update_fields=["deletion_date"])
    client.force_login(make_user(reputation=2000))
    assert question.title not in client.get("/tools/dead-links").content.decode()


def test_the_list_is_for_editors_only(client, make_user):
    assert client.get("/tools/dead-links").status_code == 302  # to log in
    client.force_login(make_user(reputation=1999))
    response = client.get("/tools/dead-links")
    assert response.status_code == 403 and "2,000 reputation" in response.content.decode()
    moderator = make_user(reputation=1, is_moderator=True)
    client.force_login(moderator)
    assert client.get("/tools/dead-links").status_code == 200


def test_a_dead_link_costs_one_query_when_rendered_and_none_when_kept(client, demo):
    """The seed thread with one of its links dead: rendering it anew reads the dead links with
    one query more than before; a view of the kept thread reads nothing more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quaestio.linkcheck.models import PostLink
    from quaestio.web.thread_cache import thread_cache

    url = "/questions/38738/why-did-stalin-have-trotsky-killed"
    client.get(url)  # the first view is counted (writes)

    def queries(clear: bool) -> int:
        if clear:
            thread_cache().clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    rendered, kept = queries(True), queries(False)
    post_links_sync([38738, *demo_answers()])
    dead = PostLink.objects.filter(post_id__in=[38738, *demo_answers()]).first()
    assert dead is not None, "the seed thread has outbound links"
    _kill(dead.link.url)
    html = client.get(url).content.decode()
    assert "dead link" in html
    assert (queries(True), queries(False)) == (rendered + 1, kept)


def demo_answers() -> list[int]:
    from quaestio.posts.models import Post

    return list(Post.objects.filter(parent_id=38738).values_list("id", flat=True))


def test_the_moderator_tools_link_to_the_list(client, make_user):
    client.force_login(make_user(reputation=10000))
    assert 'href="/tools/dead-links"' in client.get("/tools").content.decode()
