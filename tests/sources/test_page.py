"""Each post shows a compact list of its kept sources under it on the question page."""

from __future__ import annotations

import re

from quaestio.core import links
from quaestio.posts.models import PostHistory
from quaestio.posts.services import answer_post, post_edit
from quaestio.sources.models import PostSource
from tests.sources.test_kept import CITED, UNSOURCED, _age


def _sources_html(html: str) -> list[str]:
    return re.findall(r'<p class="post-sources">.*?</p>', html, re.DOTALL)


def _page(client, question) -> str:
    response = client.get(links.question_url(question.id, question.title))
    assert response.status_code == 200
    return response.content.decode()


def test_each_post_lists_its_sources_compactly(client, ask, make_user):
    """Links by domain (one entry for several links to it), doi:, ISBN and the cited work,
    the links marked nofollow ugc noopener; an answer that cites nothing has no list."""
    question = ask(
        body=CITED + " More at https://marxists.org/other and https://www.marxists.org/x"
    )
    answer_post(make_user(reputation=100), question.id, body=UNSOURCED)
    html = _page(client, question)
    [listed] = _sources_html(html)
    assert listed.count('rel="nofollow ugc noopener"') == 3  # two domains and the DOI
    assert 'href="https://www.marxists.org/archive/trotsky/1936/revbet/"' in listed
    assert 'title="3 links">marxists.org</a>' in listed
    assert ">example.com</a>" in listed
    assert 'href="https://doi.org/10.1000/182"' in listed and ">doi:10.1000/182</a>" in listed
    assert "ISBN 9780306406157" in listed
    assert "Service (2005) <cite>Stalin: A Biography</cite>" in listed


def test_hostile_sources_are_escaped(client, ask):
    """A work's title and author, and a link's address, are text on the page, never markup."""
    body = (
        'Evil (1999), *<script>alert(1)</script> "x" onmouseover=1* and '
        '[a](https://evil.example/"><img src=x onerror=alert(1)>) ' + UNSOURCED
    )
    question = ask(body=body)
    PostSource.objects.create(
        post=question, position=9, kind="work", value="t", title="<b>bold</b>", author="A&B"
    )
    html = _page(client, question)
    [listed] = _sources_html(html)
    assert "<script>" not in listed and "<b>bold</b>" not in listed and "<img" not in listed
    assert "&lt;b&gt;bold&lt;/b&gt;" in listed and "A&amp;B" in listed


def test_an_edit_changes_the_list_shown(client, ask):
    """The kept thread HTML follows an edit: the list goes when the sources go."""
    question = ask(body=CITED)
    assert _sources_html(_page(client, question))
    _age(question)
    post_edit(question.owner, question.id, title=question.title, body=UNSOURCED, tags="rome")
    assert _sources_html(_page(client, question)) == []


def test_a_backfill_without_a_thread_bump_shows_too(client, ask):
    """Rows written outside a post write (the backfill) change the kept HTML's key."""
    question = ask(body=UNSOURCED)
    assert _sources_html(_page(client, question)) == []
    PostSource.objects.create(
        post=question, position=0, kind="url", value="https://a.example/", domain="a.example"
    )
    assert ">a.example</a>" in _sources_html(_page(client, question))[0]
    assert PostHistory.objects.filter(post=question).count() == 3
