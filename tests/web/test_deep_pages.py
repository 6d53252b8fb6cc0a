"""Deep pages of long lists (core/listing.py, issue 20): a page is read from the nearer end of
the list, no page starts deeper than QUAESTIO_LIST_MAX_OFFSET rows from both ends (a deeper
ask shows the deepest page that does), and the pager links only pages a list serves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from lxml import html as lxml_html

from quaestio.core import listing
from quaestio.posts.models import Post, PostType
from quaestio.posts.selectors import question_list
from tests.votes.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions():
    """Ten questions, the newest first in `newest` order (equal dates tie by id)."""
    made = [make_question(age=timedelta(hours=h)) for h in range(10)]
    return [q.id for q in made]  # made newest first


def _ids(page: int, size: int = 2, sort: str = "newest") -> list[int]:
    summaries, _total = question_list(sort=sort, page=page, page_size=size)
    return [s.post.id for s in summaries]


@override_settings(QUAESTIO_LIST_MAX_OFFSET=3)
def test_pages_near_either_end_are_served_and_the_middle_is_capped(questions):
    assert _ids(1) == questions[0:2]
    assert _ids(2) == questions[2:4]  # starts 2 rows in: within the bound
    # Page 5 starts 8 rows in but ends the list: read backwards, in the list's order.
    assert _ids(5) == questions[8:10]
    assert _ids(4) == questions[6:8]  # 2 rows from the end
    # Page 3 starts 4 rows from the start and 4 from the end: the deepest page from the start
    # within 3 rows (page 2) is shown instead.
    assert listing.reachable_page(3, 2, 10) == 2
    assert _ids(3) == questions[2:4]


@override_settings(QUAESTIO_LIST_MAX_OFFSET=3)
def test_a_short_last_page_read_backwards(questions):
    # Page size 3: pages 1-4, the last holding one question.
    assert _ids(4, size=3) == questions[9:10]
    assert _ids(3, size=3) == questions[6:9]


def test_reading_backwards_gives_the_same_pages_as_forwards(questions):
    Post.objects.filter(id__in=questions[3:6]).update(score=7)  # ties, broken by id
    for sort in ("newest", "score", "active", "unanswered"):
        forwards = []
        with override_settings(QUAESTIO_LIST_MAX_OFFSET=100):
            for page in range(1, 6):
                forwards += _ids(page, sort=sort)
        with override_settings(QUAESTIO_LIST_MAX_OFFSET=2):  # pages 4 and 5 read backwards
            backwards = _ids(1, sort=sort) + _ids(5, sort=sort) + _ids(4, sort=sort)
        assert backwards == forwards[:2] + forwards[8:10] + forwards[6:8], sort


def test_totals_come_from_the_kept_counts(questions):
    Post.objects.filter(id=questions[0]).update(answer_count=2)
    assert question_list(sort="newest")[1] == 10
    assert question_list(sort="unanswered")[1] == 9
    live = Post.objects.filter(post_type=PostType.QUESTION, deletion_date=None)
    assert live.count() == 10


@override_settings(QUAESTIO_LIST_MAX_OFFSET=15)
def test_the_pager_links_only_pages_served(client):
    for hours in range(70):  # five pages of 15
        make_question(age=timedelta(hours=hours))
    page = lxml_html.fromstring(client.get("/questions", {"tab": "newest"}).content.decode())
    linked = [a.text_content() for a in page.cssselect("nav.pager:not(.page-sizes) a")]
    assert linked == ["2", "5"]  # 1 is current; 3 starts 30 rows in and 25 from the end
    response = client.get("/questions", {"tab": "newest", "page": "3"})
    current = lxml_html.fromstring(response.content.decode()).cssselect(".pager .current")
    assert current[0].text_content() == "2"  # the deepest page within 15 rows of the start
