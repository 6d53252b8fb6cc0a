"""Every operator against the real engine. The suite runs once on SQLite (FTS5) and once on
PostgreSQL (tsvector): the expectations below are the same truth for both, so passing on both
proves the two backends give the same results for the same query."""

from __future__ import annotations

import pytest

from quaestio.search.selectors import search_ids

# query -> corpus keys that must be found (any order), for an anonymous reader.
CASES = {
    "roman": {"q1", "q5"},
    '"roman empire"': {"q1", "q5"},
    '"empire fall"': {"q1"},
    '"fall empire"': set(),
    "bridges": {"q1", "a2", "q2"},
    "bridge": {"q1", "a2", "q2"},
    "bridges -castle": {"q1", "a2"},
    'roman -"eastern roman"': {"q1"},
    "-bridges is:question": {"q3", "q5"},
    "[rome]": {"q1", "a1", "a2", "q5"},
    "[rome] or [greece]": {"q1", "a1", "a2", "q5", "q3", "a3"},
    "[rome] [empire]": {"q1", "a1", "a2"},
    "-[rome] bridges": {"q2"},
    "[rome] bridges": {"q1", "a2"},
    "[rome] or [greece] bridges": {"q1", "a2"},
    "[rome] [empire] bridges is:answer": {"a2"},
    "[medi*] bridges": {"q2"},
    "[nosuchtag] bridges": set(),
    "[rome] is:question": {"q1", "q5"},
    "[rome] is:answer": {"a1", "a2"},
    "-[rome] is:answer": {"a3"},
    "[nosuchtag]": set(),
    "[medi*]": {"q2"},
    "castle OR drachma": {"q2", "q3"},
    'castle OR "silver coins"': {"q2", "a3"},
    "encyclo*": {"q2"},
    "ex*nge": {"q3", "a3"},
    "*change": {"q3", "a3"},
    "intitle:bridges": {"q2"},
    'title:"roman empire"': {"q1"},
    "body:bridges": {"q1", "a2"},
    "code:print_legion": {"a2"},
    'code:"legion"': {"a2"},
    "url:wikipedia.org": {"a1"},
    'url:"*.wikipedia.org"': {"a1"},
    "url:britannica.com": set(),
    "score:3": {"q1", "a1", "q2", "q5"},
    "score:..0": {"a2", "q3"},
    "score:1..5": {"q2", "q5", "a3"},
    "answers:0": {"q2", "q5"},
    "answers:2": {"q1"},
    "views:100": {"q1"},
    "is:question roman": {"q1", "q5"},
    "is:answer": {"a1", "a2", "a3"},
    "closed:yes": {"q2", "q5"},
    "duplicate:yes": {"q2"},
    "closed:no is:q": {"q1", "q3"},
    "hasaccepted:yes": {"q1"},
    "hasaccepted:no": {"q2", "q3", "q5"},
    "isaccepted:yes": {"a1"},
    "isaccepted:no": {"a2", "a3"},
    "isanswered:yes": {"q1", "q3"},
    "isanswered:no": {"q2", "q5"},
    "wiki:yes": {"q3"},
    "locked:yes exchange": {"q3"},
    "hascode:yes": {"a2"},
    "created:2012": {"q1", "a1", "a2"},
    "created:2015..2020": {"q2", "q3", "a3"},
    "created:2012-03-06": {"a1"},
    "created:2012 bridges": {"q1", "a2"},
    "created:2015..2020 bridges": {"q2"},
    "created:2012-03-07 bridges": {"a2"},
    "-created:2012 bridges": {"q2"},
    "created:2012 [rome] roman": {"q1"},
    "created:2012-03 bridges": {"q1", "a2"},
    "created:2012-03-06..2012-03-07 bridges": {"a2"},
    "created:2011..2012-03-05 bridges": {"q1"},
    "created:2015.. bridges": {"q2"},
    "created:..2014 bridges": {"q1", "a2"},
    "roman score:5..": {"q1", "q5"},
    "roman score:..5": {"q5"},
    "roman score:6..": {"q1"},
    "bridges score:-1..3": {"a2", "q2"},
    "bridges score:..-1": {"a2"},
    "bridges score:4..9": set(),
    "bridges -score:3 created:2012": {"a2"},
    "lastactive:7d..": {"q5"},
    "deleted:yes": set(),
    "roads": {"q1"},
    "?!": set(),
    "?! score:3": {"q1", "a1", "q2", "q5"},
}


@pytest.mark.parametrize("raw", list(CASES))
def test_operator_finds_the_expected_posts(corpus, raw):
    """Each operator finds exactly the posts the corpus says it should, on this database."""
    ids, total = search_ids(raw, limit=100)
    assert set(ids) == corpus.ids(*CASES[raw])
    assert total == len(CASES[raw])


TAG_CASES = [raw for raw in CASES if "[" in raw]


@pytest.mark.parametrize("raw", TAG_CASES)
def test_big_tags_probed_post_by_post_find_the_same_posts(corpus, monkeypatch, raw):
    """A tag carried by many questions is checked post by post against the post-tag index
    instead of being built as a set (filters.SMALL_TAG_QUESTIONS): the same posts either way."""
    from quaestio.search import filters

    monkeypatch.setattr(filters, "SMALL_TAG_QUESTIONS", -1)
    ids, total = search_ids(raw, limit=100)
    assert set(ids) == corpus.ids(*CASES[raw])
    assert total == len(CASES[raw])


@pytest.mark.parametrize("sort", ["relevance", "newest", "votes"])
@pytest.mark.parametrize("pool", [1, 2, 500])
def test_postgres_id_slices_give_the_unsliced_pool(corpus, monkeypatch, sort, pool):
    """PostgreSQL reads a text search's matches in slices of ids, newest first, until the pool
    is full: the pool, its order and its count are those of one unbounded read."""
    from django.db import connection

    from quaestio.search import selectors
    from quaestio.search.backends import postgres

    if connection.vendor != "postgresql":
        pytest.skip("only the PostgreSQL engine reads in slices")
    monkeypatch.setattr(selectors, "MATCH_POOL", pool)
    queries = [
        "bridges",
        "roman",
        "[rome] or [greece] roman",
        "bridges is:question",
        "empire*",
        "bridges score:..5",
        "created:2012..2015 bridges",
    ]
    unsliced = {q: search_ids(q, sort=sort, limit=100) for q in queries}
    monkeypatch.setattr(postgres, "FIRST_WINDOW", 1)
    for q in queries:
        assert search_ids(q, sort=sort, limit=100) == unsliced[q], q


def test_user_and_inquestion_use_ids_from_the_data(corpus):
    """user:<id> finds that user's live posts; inquestion:<id> the question and its answers."""
    alice = corpus.users["alice"].id
    assert set(search_ids(f"user:{alice}", limit=100)[0]) == corpus.ids("q1", "a2", "q3", "q5")
    assert set(search_ids(f"-user:{alice} roman", limit=100)[0]) == set()
    question = corpus.id("q1")
    assert set(search_ids(f"inquestion:{question}", limit=100)[0]) == corpus.ids("q1", "a1", "a2")
    assert set(search_ids(f"inquestion:{question} bridges", limit=100)[0]) == corpus.ids("q1", "a2")


def _in_order(corpus, ids):
    names = {post.id: key for key, post in corpus.posts.items()}
    return [names[i] for i in ids]


def test_sorts_order_results(corpus):
    """Newest, active and votes order the same matches by date, activity and score."""
    query = "[rome] or [greece]"
    assert _in_order(corpus, search_ids(query, sort="votes", limit=100)[0]) == [
        "q1",
        "a1",
        "q5",
        "a3",
        "q3",
        "a2",
    ]
    assert _in_order(corpus, search_ids(query, sort="newest", limit=100)[0]) == [
        "q5",
        "a3",
        "q3",
        "a2",
        "a1",
        "q1",
    ]
    assert _in_order(corpus, search_ids(query, sort="active", limit=100)[0])[0] == "q5"
    # The same sorts apply when the engine finds the words.
    assert _in_order(corpus, search_ids("bridges", sort="votes", limit=100)[0]) == [
        "q1",
        "q2",
        "a2",
    ]
    assert _in_order(corpus, search_ids("bridges", sort="newest", limit=100)[0]) == [
        "q2",
        "a2",
        "q1",
    ]


def test_relevance_puts_title_matches_first(corpus):
    """A word in a title outranks the same word in a body."""
    ids, _ = search_ids("bridges", sort="relevance", limit=100)
    assert _in_order(corpus, ids)[0] == "q2"
    ids, _ = search_ids("exchange", sort="relevance", limit=100)
    assert _in_order(corpus, ids)[0] == "q3"


def test_pagination_splits_the_same_order(corpus):
    """Pages are consecutive slices of one order; the total counts every match."""
    everything, total = search_ids("[rome] or [greece]", sort="votes", limit=100)
    pages = [
        search_ids("[rome] or [greece]", sort="votes", limit=2, offset=offset)
        for offset in (0, 2, 4)
    ]
    assert [i for ids, _ in pages for i in ids] == everything
    assert all(page_total == total == 6 for _, page_total in pages)


def test_cap_limits_the_count(corpus):
    """The count stops at the cap, and no page goes past it."""
    ids, total = search_ids("[rome] or [greece]", limit=10, cap=3)
    assert total == 3
    assert len(ids) == 3


def test_deleted_posts_only_for_those_who_may_see_them(corpus):
    """deleted:yes shows nothing to anonymous readers, owners their own, moderators all."""
    users = corpus.users
    assert search_ids("deleted:yes roman", limit=100)[0] == []
    assert set(search_ids("deleted:yes", viewer=users["bob"], limit=100)[0]) == corpus.ids("q4")
    assert set(search_ids("deleted:yes", viewer=users["alice"], limit=100)[0]) == corpus.ids("a4")
    assert set(search_ids("deleted:yes", viewer=users["mod"], limit=100)[0]) == corpus.ids(
        "q4", "a4"
    )
    assert set(search_ids("roads deleted:any", viewer=users["mod"], limit=100)[0]) == (
        corpus.ids("q1", "q4", "a4")
    )
    # Without deleted:, nobody sees deleted posts in results, not even moderators.
    assert set(search_ids("roads", viewer=users["mod"], limit=100)[0]) == corpus.ids("q1")


def test_user_me_needs_a_signed_in_viewer(corpus):
    """user:me is the viewer's posts; anonymous readers get a clear error."""
    from quaestio.search.query import SearchSyntaxError

    assert set(search_ids("user:me", viewer=corpus.users["bob"], limit=100)[0]) == corpus.ids(
        "a1", "q2", "a3"
    )
    with pytest.raises(SearchSyntaxError, match="Log in"):
        search_ids("user:me")


def test_broad_searches_look_at_the_newest_matches_only(corpus, monkeypatch):
    """A search matching more posts than MATCH_POOL ranks and sorts only the newest (highest
    id) matching posts that pass its filters, on both engines alike: bounded cost."""
    from quaestio.search import selectors

    monkeypatch.setattr(selectors, "MATCH_POOL", 2)
    ids, total = search_ids("bridges", sort="votes", limit=100)
    assert ids == sorted(corpus.ids("a2", "q2"), key=lambda i: -corpus_score(corpus, i))
    assert total == 2
    # The pool is taken after the filters: selective filters still find older posts.
    assert set(search_ids("bridges is:question", limit=100)[0]) == corpus.ids("q1", "q2")


def corpus_score(corpus, post_id):
    return next(p.score for p in corpus.posts.values() if p.id == post_id)
