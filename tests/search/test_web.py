"""The search page, the [tag] shortcut, similar questions, and `quaestio reindex`."""

from __future__ import annotations

import io

from quaestio.core.progress import progress_bar
from quaestio.search.backends import get_backend


def test_results_page_lists_hits_with_marks_and_echoes_the_query(client, corpus):
    """/search?q= shows the hits, highlighted, and the header box keeps the query."""
    response = client.get("/search", {"q": "bridges"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 results" in html
    assert "<mark>bridges</mark>" in html
    assert 'value="bridges"' in html  # the header's search box (base.html) and the page's
    assert f"#answer-{corpus.id('a2')}" in html


def test_sort_tabs_keep_the_query(client, corpus):
    """Each sort tab links to the same query; the chosen one is marked current."""
    html = client.get("/search", {"q": "roman empire", "tab": "votes"}).content.decode()
    assert "?q=roman%20empire&amp;tab=newest" in html
    assert 'aria-current="page" class="current">Score' in html


def test_query_is_escaped_everywhere(client, corpus):
    """A query holding markup is shown as text, never as markup."""
    html = client.get("/search", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_malformed_query_gets_a_clear_message(client, corpus):
    """A syntax error renders the search page with the parser's message, not an error page."""
    response = client.get("/search", {"q": 'score:abc "roman'})
    assert response.status_code == 200
    assert "never closed" in response.content.decode()


def test_tag_only_query_goes_to_the_tag_page(client, corpus):
    """[tag] alone redirects to /questions/tagged/<tag>; an unknown tag is just searched."""
    response = client.get("/search", {"q": "[Rome]"})
    assert response.status_code == 302
    assert response["Location"] == "/questions/tagged/rome"
    assert client.get("/search", {"q": "[nosuchtag]"}).status_code == 200


def test_pagination_links(client, corpus, monkeypatch):
    """More hits than a page shows give page links carrying the query."""
    import quaestio.web.views.search as view

    monkeypatch.setattr(view, "PAGE_SIZE", 2)
    html = client.get("/search", {"q": "[rome] or [greece]"}).content.decode()
    assert "page=3" in html
    assert "q=%5Brome%5D+or+%5Bgreece%5D" in html


def test_anonymous_tag_limit(client, corpus):
    """Anonymous searches may name at most 3 tags (spec §8.2)."""
    html = client.get("/search", {"q": "[a] [b] [c] [d]"}).content.decode()
    assert "at most 3 tags" in html


def test_rate_limit(client, corpus):
    """Past 30 searches a minute the page answers 429 with a message."""
    for _ in range(30):
        assert client.get("/search", {"q": "roman"}).status_code == 200
    response = client.get("/search", {"q": "roman"})
    assert response.status_code == 429
    assert "too fast" in response.content.decode()


def test_empty_search_shows_help(client, db):
    """/search without a query explains the syntax."""
    html = client.get("/search").content.decode()
    assert "How to search" in html


def test_similar_questions_fragment_and_json(client, corpus):
    """/search/similar?title= gives an HTML fragment, or JSON on request."""
    html = client.get("/search/similar", {"title": "Why did the Roman empire collapse"})
    assert "How did the Roman empire fall?" in html.content.decode()
    data = client.get(
        "/search/similar", {"title": "Why did the Roman empire collapse", "format": "json"}
    ).json()
    assert data["items"][0]["question_id"] == corpus.id("q1")
    assert data["items"][0]["link"].startswith(f"/questions/{corpus.id('q1')}/")
    assert client.get("/search/similar", {"title": "Rome"}).content.strip() == b""


def test_reindex_command_rebuilds_with_a_progress_bar(corpus, capsys):
    """`quaestio reindex` refills a lost index and draws a progress bar."""
    from quaestio.search.cli import reindex

    get_backend().remove([post.id for post in corpus.posts.values()])
    assert reindex() == 0
    captured = capsys.readouterr()
    assert "100%" in captured.err
    assert "Indexed 9 posts" in captured.out
    assert get_backend().indexed_count() == 9


def test_progress_bar_draws_proportionally():
    """The bar fills in proportion to the work done."""
    stream = io.StringIO()
    report = progress_bar("posts", stream)
    report(5, 10)
    assert "[###############...............]  50% 5/10 posts" in stream.getvalue()
    report(10, 10)
    assert "100% 10/10 posts" in stream.getvalue()
    assert stream.getvalue().endswith("/s\n")
