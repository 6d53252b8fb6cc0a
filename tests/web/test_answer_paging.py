"""Answers paged as Stack Exchange pages them (issue 18.10): 30 a page in the chosen order,
?page= on the question URL, /a/<id> landing on the page that holds the answer, and each post's
comments beyond its five highest-voted left out until asked for."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html as lxml_html

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.posts.models import Post, PostType

QUESTION_ID = 38738
QUESTION_URL = "/questions/38738/why-did-stalin-have-trotsky-killed"
FIRST_ID = 90000


def _grow(answers: int, comments_each: int = 0) -> list[Post]:
    """`answers` answers to the seed question with falling scores (answer n scores 1000 - n),
    each with `comments_each` comments."""
    users = User.objects.bulk_create(
        [
            User(id=5000 + n, display_name=f"reader{n}", email=f"r{n}@example.org")
            for n in range(answers)
        ]
    )
    start = timezone.now() - timedelta(days=30)
    posts = Post.objects.bulk_create(
        [
            Post(
                id=FIRST_ID + n,
                post_type=PostType.ANSWER,
                parent_id=QUESTION_ID,
                owner=users[n],
                score=1000 - n,
                creation_date=start + timedelta(minutes=n),
                last_activity_date=start + timedelta(minutes=n),
                body=f"<p>answer number {n}, " + "some words of an answer " * 40 + "</p>",
            )
            for n in range(answers)
        ]
    )
    Comment.objects.bulk_create(
        [
            Comment(
                post=post,
                user=users[(i + k) % answers],
                score=k % 3,
                creation_date=start + timedelta(minutes=i, seconds=k),
                text=f"comment {k} on {post.id}",
                text_html=f"comment {k} on {post.id}, " + "a remark " * 20,
            )
            for i, post in enumerate(posts)
            for k in range(comments_each)
        ]
    )
    return posts


def _answer_ids(client, query: str = "") -> list[int]:
    response = client.get(QUESTION_URL + query)
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    return [int(a.get("id").removeprefix("answer-")) for a in tree.cssselect("article.answer")]


def test_answers_come_thirty_a_page_in_the_chosen_order(client, demo):
    """With 65 more answers (72 in all) page 1 and 2 hold 30 each and page 3 the last 12, in
    score order; a page past the end shows the last; the pager links the pages."""
    _grow(65)
    first, second, third = (_answer_ids(client, f"?page={n}") for n in (1, 2, 3))
    assert len(first) == 30 and len(second) == 30 and len(third) == 12
    assert first[:3] == [FIRST_ID, FIRST_ID + 1, FIRST_ID + 2]
    assert len(set(first) | set(second) | set(third)) == 72
    assert _answer_ids(client, "?page=99") == third
    tree = lxml_html.fromstring(client.get(QUESTION_URL + "?page=2").content.decode())
    assert tree.cssselect(".answers .pager .current")[0].text_content() == "2"
    assert {a.get("href") for a in tree.cssselect(".answers .pager a")} == {"?page=1", "?page=3"}
    assert "72 Answers" in tree.cssselect("#answers-header")[0].text_content()


def test_created_order_pages_oldest_first(client, demo):
    """?answertab=created&page=3 holds the newest answers: the order is chosen before paging."""
    _grow(65)
    assert _answer_ids(client, "?answertab=created&page=3")[-1] == FIRST_ID + 64


def test_an_answer_link_lands_on_the_page_that_holds_it(client, demo):
    """/a/<id> of the 45th answer by score redirects to ?page=2 with the answer's anchor."""
    _grow(65)
    response = client.get(f"/a/{FIRST_ID + 44}")
    assert response.status_code == 301
    assert response["Location"] == f"{QUESTION_URL}?page=2#answer-{FIRST_ID + 44}"
    first = client.get(f"/a/{FIRST_ID}")
    assert first["Location"] == f"{QUESTION_URL}#answer-{FIRST_ID}"
    assert FIRST_ID + 44 in _answer_ids(client, "?page=2")


def test_only_the_top_five_comments_are_in_the_page(client, demo):
    """An answer with 8 comments shows its five highest-voted (ties: oldest) in time order and
    "Show 3 more comments"; ?comments=all shows all eight and no link."""
    (answer,) = _grow(1, comments_each=8)
    tree = lxml_html.fromstring(client.get(QUESTION_URL).content.decode())
    shown = [c.get("id") for c in tree.cssselect(f"#answer-{answer.id} .comment")]
    comments = list(Comment.objects.filter(post=answer).order_by("creation_date", "id"))
    top = sorted(comments, key=lambda c: (-c.score, c.creation_date, c.id))[:5]
    assert shown == [f"comment-{c.id}" for c in comments if c in top]
    link = tree.cssselect(f"#answer-{answer.id} .show-comments")[0]
    assert link.text_content() == "Show 3 more comments"
    full = lxml_html.fromstring(client.get(QUESTION_URL + "?comments=all").content.decode())
    every = [c.get("id") for c in full.cssselect(f"#answer-{answer.id} .comment")]
    assert every == [f"comment-{c.id}" for c in comments]
    assert not full.cssselect(f"#answer-{answer.id} .show-comments")


def test_a_later_page_costs_the_same_queries_as_the_first(client, demo):
    """Page 3 of a 72-answer thread, rendered anew and kept, costs no more queries than page 1
    (within the page's budget of 8)."""
    from quaestio.web.thread_cache import thread_cache

    _grow(65, comments_each=7)
    assert client.get(QUESTION_URL).status_code == 200  # the view is counted (writes)
    counts = []
    for query, anew in (("", True), ("?page=3", True), ("?page=3", False)):
        if anew:
            thread_cache().clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUESTION_URL + query).status_code == 200
        counts.append(len(captured))
    assert counts[1] == counts[0] <= 8 and counts[2] <= 8, counts
    assert thread_cache().keys()  # the pages were kept


def test_a_three_hundred_answer_thread_first_page_weighs_under_500_kb(client, demo):
    """With 300 answers and 1,800 comments the first page is well under 500 KB (it holds 30
    answers and five comments of each)."""
    _grow(300, comments_each=6)
    response = client.get(QUESTION_URL)
    assert len(response.content) < 500_000
    assert len(_answer_ids(client)) == 30
