"""The API's search methods are answered by the search room: its engine, filters and excerpts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType
from quaestio.search.selectors import search_ids, similar_questions
from quaestio.search.services import reindex_all
from tests.api.conftest import ApiClient


@pytest.fixture
def api(client):
    return ApiClient(client)


def found(body, key="question_id") -> set[int]:
    return {item[key] for item in body["items"]}


def test_words_are_stemmed_as_on_the_search_page(api, corpus):
    """`q=collapsing` finds the post saying "collapsed": the engine's stemming, not containment
    (no question's text contains "collapsing")."""
    _, body = api.get("search/advanced", q="collapsing")
    assert found(body) == corpus.ids("q1")
    ids, _total = search_ids("collapsing is:question")
    assert found(body) == set(ids)


def test_q_takes_the_search_box_syntax(api, corpus):
    """Operators in q are the search page's: `score:5..` and `[tag]` filter as they do there."""
    _, body = api.get("search/advanced", q="empire score:5..")
    assert found(body) == corpus.ids("q1", "q5")
    _, body = api.get("search/advanced", q="empire [byzantine-empire]")
    assert found(body) == corpus.ids("q5")


def test_parameters_are_the_search_rooms_filters(api, corpus):
    """accepted, closed, wiki, answers, views, user, title, body and tags narrow as their
    search-box operators do; deleted questions are never listed."""
    cases = [
        ({"accepted": "true"}, {"q1"}),
        ({"closed": "true"}, {"q2", "q5"}),
        ({"wiki": "true"}, {"q3"}),
        ({"answers": "1"}, {"q1", "q3"}),
        ({"views": "60"}, {"q1", "q5"}),
        ({"user": str(corpus.users["bob"].id)}, {"q2"}),
        ({"title": "roman"}, {"q1"}),
        ({"body": "drachma"}, {"q3"}),
        ({"tagged": "rome"}, {"q1", "q5"}),
        ({"tagged": "rome", "nottagged": "empire"}, {"q5"}),
    ]
    for params, expected in cases:
        _, body = api.get("search/advanced", **params)
        assert found(body) == corpus.ids(*expected), params


def test_relevance_keeps_the_engines_order(api, corpus):
    """sort=relevance lists the matches in the engine's rank order."""
    _, body = api.get("search/advanced", q="roman", sort="relevance", order="desc")
    ids, _total = search_ids("roman is:question", sort="relevance")
    assert [item["question_id"] for item in body["items"]] == ids


def test_a_bad_query_is_a_bad_parameter(api, corpus):
    """A query the parser refuses, or user:me without a user, is a 400 saying what is wrong."""
    for q in ("created:2099-99", "user:me empire"):
        response, body = api.get("search/advanced", q=q)
        assert response.status_code == 400, q
        assert body["error_name"] == "bad_parameter"
        assert body["error_message"]


def test_excerpts_mark_stemmed_hits_and_search_answers_by_their_questions_tags(api, corpus):
    """Excerpts mark every form of the word (the search page's highlighter, Stack Exchange's
    markup); an answer is found by its question's tag."""
    _, body = api.get("search/excerpts", q="bridge")
    marked = {
        item.get("answer_id") or item["question_id"]: item["excerpt"] for item in body["items"]
    }
    assert set(marked) == corpus.ids("q1", "a2", "q2")
    assert '<span class="highlight">bridges</span>' in marked[corpus.id("q1")]
    assert '<span class="highlight">Bridges</span>' in marked[corpus.id("a2")]
    _, body = api.get("search/excerpts", q="silver", tagged="greece")
    assert {item.get("answer_id") for item in body["items"]} == corpus.ids("a3")


def test_excerpts_escape_the_text(api, db):
    """Markup in a body comes back escaped in the excerpt, only the highlight is markup."""
    owner = User.objects.create_user("e@example.com", "e")
    Post.objects.create(
        post_type=PostType.QUESTION,
        title="Escaping",
        body="<p>a &lt;script&gt; tag</p>",
        owner=owner,
    )
    reindex_all()
    _, body = api.get("search/excerpts", q="script")
    assert body["items"][0]["excerpt"] == 'a &lt;<span class="highlight">script</span>&gt; tag'


def test_similar_takes_the_ask_pages_candidates(api, corpus):
    """/similar lists what the ask page's similar questions list, in the same order, and no
    question that merely contains a title word inside another word (no `icontains`)."""
    title = "Why did the Roman empire collapse"
    _, body = api.get("similar", title=title, sort="relevance", order="desc")
    expected = [row.id for row in similar_questions(title, limit=30)]
    assert [item["question_id"] for item in body["items"]] == expected
    _, body = api.get("similar", title="Rom")  # in "Roman" and "Rome", but not a word of them
    assert body["items"] == []


def test_similar_reads_a_bounded_candidate_list(api, corpus):
    """/similar costs a fixed number of queries, one of them the title lookup in the index
    (a bounded read per word of the title)."""
    with CaptureQueriesContext(connection) as captured:
        api.get("similar", title="Roman empire bridges", tagged="rome")
    match = " MATCH " if connection.vendor == "sqlite" else " @@ "
    assert sum(match in query["sql"] for query in captured.captured_queries) == 1
    assert not any("LIKE" in query["sql"] for query in captured.captured_queries)
