"""The question page's "Vote to delete (n)" and "Vote to undelete (n)": the standing votes,
shown with the link to those who may cast them, read with the viewer's votes (no query more,
whatever the number of posts), counted as moderation.deletion counts them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html as lxml_html

from quaestio.core.links import question_url
from quaestio.moderation.deletion import delete_vote_cast, undelete_vote_cast
from quaestio.posts.models import CloseReason, Post
from quaestio.posts.services import post_delete, post_undelete
from tests.moderation.states_support import answer, logged_in, moderator
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db
BUDGET = 8


def _closed_question():
    return question(
        user(10),
        closed_date=timezone.now() - timedelta(days=3),
        close_reason=CloseReason.NEEDS_FOCUS,
    )


def _menu(client, post_id: int, selector: str) -> list[str]:
    response = client.get(f"/questions/{post_id}/x", follow=True)
    tree = lxml_html.fromstring(response.content.decode())
    return [a.text_content() for a in tree.cssselect(f"{selector} .post-menu a")]


def _page_queries(client, question_id: int) -> int:
    url = question_url(question_id, Post.objects.get(id=question_id).title)
    client.get(url)  # the counted view (a write); the reads are measured
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_delete_votes_are_counted_on_the_link():
    """A closed question with one delete vote shows "Vote to delete (1)" to another 10k user;
    an answer scored -1 with two votes shows "(2)" to a 20k user; a 3k user sees neither."""
    q = _closed_question()
    a = answer(q, user(10), score=-1)
    delete_vote_cast(user(10_000), q.id)
    delete_vote_cast(user(20_000), a.id)
    delete_vote_cast(user(20_000), a.id)
    ten_k = logged_in(user(10_000))
    assert "Vote to delete (1)" in _menu(ten_k, q.id, "#question")
    twenty_k = logged_in(user(20_000))
    assert "Vote to delete (2)" in _menu(twenty_k, q.id, f"#answer-{a.id}")
    three_k = _menu(logged_in(user(3000)), q.id, "#question")
    assert not [label for label in three_k if label.startswith("Vote to delete")]


def test_votes_from_before_an_undeletion_no_longer_count():
    """The owner deleted and undeleted their answer after a delete vote: that vote no longer
    stands, so the link shows no count; a new vote counts."""
    q = _closed_question()
    owner = user(10)
    a = answer(q, owner, score=-1)
    delete_vote_cast(user(20_000), a.id)
    post_delete(owner, a.id)
    post_undelete(owner, a.id)
    viewer = logged_in(user(20_000))
    assert "Vote to delete" in _menu(viewer, q.id, f"#answer-{a.id}")
    delete_vote_cast(user(20_000), a.id)
    assert "Vote to delete (1)" in _menu(viewer, q.id, f"#answer-{a.id}")


def test_undelete_votes_are_counted_on_a_deleted_answer():
    q = _closed_question()
    a = answer(q, user(10), score=-1)
    for _ in range(3):
        delete_vote_cast(user(20_000), a.id)
    assert Post.objects.get(id=a.id).deletion_date is not None
    undelete_vote_cast(user(20_000), a.id)
    assert "Vote to undelete (1)" in _menu(logged_in(user(20_000)), q.id, f"#answer-{a.id}")


def test_counts_cost_no_query_and_stay_within_the_budget():
    """A 20k user's page costs the same with delete votes on every answer as without, within
    the question page's budget of 8 queries (an open question; a closed one costs its closed
    notice's queries on top, as before this count)."""
    q = question(user(10))
    answers = [answer(q, user(10), score=-1) for _ in range(3)]
    viewer = logged_in(user(20_000))
    before = _page_queries(viewer, q.id)
    for post in answers:
        delete_vote_cast(user(20_000), post.id)
    assert "Vote to delete (1)" in _menu(viewer, q.id, f"#answer-{answers[0].id}")
    assert _page_queries(viewer, q.id) == before <= BUDGET
    assert _page_queries(logged_in(moderator()), q.id) <= BUDGET
