"""Result pages with highlights, similar questions, the Related sidebar, and engine fuzzing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quaestio.posts.models import Post, PostType
from quaestio.search.query import SearchSyntaxError
from quaestio.search.selectors import (
    related_questions,
    search,
    search_ids,
    similar_questions,
)
from quaestio.search.services import index_post


def test_results_mark_words_in_escaped_text(corpus):
    """Titles and excerpts are escaped, then the matched words are wrapped in <mark>."""
    post = Post.objects.create(
        post_type=PostType.QUESTION,
        title="Bridges & <b>sieges</b>",
        body="<p>The &lt;script&gt;alert(1)&lt;/script&gt; bridges of Rome.</p>",
    )
    index_post(post.id)
    results = search("bridges", sort="newest")
    hit = results.hits[0]
    assert hit.post.id == post.id
    assert str(hit.title) == "<mark>Bridges</mark> &amp; &lt;b&gt;sieges&lt;/b&gt;"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>bridges</mark>" in str(hit.excerpt)
    assert "<script>" not in str(hit.excerpt)


def test_answers_show_their_question(corpus):
    """An answer hit carries its question's title, so the result reads like Stack Exchange's."""
    results = search("code:print_legion")
    [hit] = results.hits
    assert hit.is_answer
    assert hit.question.id == corpus.id("q1")
    assert "Roman empire" in str(hit.title)


def test_search_page_query_count_is_fixed(corpus, django_assert_max_num_queries):
    """A results page costs the same few queries however many hits it shows."""
    with django_assert_max_num_queries(6):
        results = search("[rome] or [greece]", page_size=50)
    assert len(results.hits) == 6


def test_long_bodies_are_cut_around_the_first_hit(db):
    """The excerpt starts near the first matched word, with ellipses where text was cut."""
    body = "<p>" + "filler " * 200 + "the decisive battle of Zama " + "more " * 200 + "</p>"
    post = Post.objects.create(post_type=PostType.QUESTION, title="Punic war", body=body)
    index_post(post.id)
    [hit] = search("zama").hits
    text = str(hit.excerpt)
    assert text.startswith("… ") and text.endswith(" …")
    assert "<mark>Zama</mark>" in text
    assert len(text) < 320


def test_similar_questions_by_title(corpus):
    """Questions sharing meaningful title words, best first; stop words alone find nothing."""
    similar = similar_questions("Why did the Roman empire collapse?")
    assert [p.id for p in similar][:2] == [corpus.id("q1"), corpus.id("q5")]
    assert similar_questions("why did the") == []
    ids = [p.id for p in similar]
    assert Post.objects.filter(id__in=ids, post_type=PostType.QUESTION).count() == len(ids)


def test_related_questions_in_one_query(corpus, django_assert_num_queries):
    """The Related sidebar: one query, never the question itself nor deleted questions."""
    question = corpus.posts["q1"]
    with django_assert_num_queries(1):
        related = related_questions(question, limit=10)
        # The fields the sidebar shows are loaded by that one query.
        shown = [(p.id, p.title, p.score, p.accepted_answer_id) for p in related]
    assert [row[0] for row in shown] == [corpus.id("q5")]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(
                [
                    "roman",
                    "empire",
                    '"',
                    "-",
                    "*",
                    "ex*",
                    "*nge",
                    "OR",
                    "[rome]",
                    "-[rome]",
                    "intitle:",
                    "code:",
                    "url:",
                    "score:",
                    "..",
                    "3",
                    "is:q",
                    "(",
                    ")",
                    "NEAR",
                    "AND",
                    "NOT",
                    "{",
                    "}",
                    ":",
                    "^",
                    "'",
                    "\\",
                    "é",
                    "中文",
                    " ",
                ]
            ),
            max_size=12,
        ).map("".join),
    )
)
def test_fuzz_no_query_crashes_the_engine(corpus, raw):
    """Any string runs through parser, planner and the real engine without a crash."""
    try:
        ids, total = search_ids(raw, limit=5)
    except SearchSyntaxError as error:
        assert error.message
    else:
        assert len(ids) <= min(total, 5)


def test_question_page_related_sidebar_comes_from_the_search_engine(demo):
    """The question page's Related list is the engine's similar-title list for the question,
    fetched in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quaestio.posts import selectors as post_selectors
    from quaestio.search import selectors as search_selectors
    from quaestio.search.services import reindex_all

    reindex_all()
    question = Post.objects.get(id=38738)
    page = post_selectors.question_page(question.id)
    expected = [
        p.id for p in search_selectors.related_questions(question, post_selectors.SIDEBAR_LIMIT)
    ]
    assert [p.id for p in page.related] == expected
    assert expected and question.id not in expected
    with CaptureQueriesContext(connection) as captured:
        search_selectors.related_questions(question, post_selectors.SIDEBAR_LIMIT)
    assert len(captured) == 1


def test_similar_reads_a_bounded_number_of_titles_per_word(corpus, monkeypatch):
    """Similar reads at most SIMILAR_PER_WORD titles per word (the newest): with one, the
    newest question titled with "empire" (q5) is the only candidate, though q1 shares more."""
    from quaestio.search import selectors

    monkeypatch.setattr(selectors, "SIMILAR_PER_WORD", 1)
    assert [p.id for p in similar_questions("Byzantine empire")] == [corpus.id("q5")]
    assert corpus.id("q1") not in [p.id for p in similar_questions("empire")]


def test_similar_finds_an_old_question_by_its_rare_word_among_many_common_ones(db):
    """An old question sharing a rare title word ranks above many newer ones sharing only a
    common word: each word is read on its own (newest first, capped), and the rarer weighs
    more. Asked in a fixed few queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    old = Post.objects.create(
        post_type=PostType.QUESTION, title="Quaternion rotation error in python", body="<p>x</p>"
    )
    index_post(old.id)
    for n in range(30):
        newer = Post.objects.create(
            post_type=PostType.QUESTION, title=f"Python error number {n}", body="<p>y</p>"
        )
        index_post(newer.id)
    with CaptureQueriesContext(connection) as captured:
        found = similar_questions("python error with a quaternion", limit=3)
    assert found[0].id == old.id
    assert len(captured) <= 3  # PostgreSQL: the kept word counts first
