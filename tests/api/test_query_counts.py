"""List methods cost a fixed number of queries whatever the page size (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

RICH = (
    "question.body;question.answers;question.comments;question.up_vote_count;"
    "question.down_vote_count;question.last_editor;answer.body;answer.comments;"
    "answer.up_vote_count;answer.last_editor;comment.body;shallow_user.badge_counts;"
    "user.answer_count;user.question_count;post.comments;post.body"
)

# Without Redis the API's quota and rate counters are one upsert in the database's shared cache
# (every web process must see them): one statement per call, whatever the method.
SHARED_QUOTA_COUNT = 1

# method → the most queries it may cost with every related field asked for.
LIST_METHODS = {
    "questions": 7,
    "questions/38738;70001;70010": 7,
    "questions/unanswered": 7,
    "questions/38738/answers": 6,
    # The given questions' tags, the newest questions of each (the candidates), the page.
    "questions/70010/related": 8,
    "answers": 6,
    "comments": 3,
    "posts": 6,
    "posts/38738/revisions": 4,
    "users": 4,
    "users/1;2;3;101;103/badges": 4,
    "users/3/reputation": 3,
    "users/3/reputation-history": 3,
    "users/101;103/tags": 3,
    "tags": 3,
    "badges": 3,
    "badges/recipients": 5,  # the kinds kept (BadgeCount), then their first awards
    "search/advanced": 7,
    "search/excerpts": 6,
    "info": 7,
}


@pytest.fixture
def rich_filter(api):
    _, created = api.get("filters/create", include=RICH + ";.total")
    return created["items"][0]["filter"]


def _queries(api, path, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response, body = api.get(path, **params)
    assert response.status_code == 200, body
    return len(captured)


@pytest.mark.parametrize(("path", "most"), LIST_METHODS.items())
def test_list_methods_cost_the_same_for_2_and_100_items(
    api, demo, rich_filter, django_assert_max_num_queries, path, most
):
    """The same query count for a page of 2 and a page of 100, within the method's budget."""
    small = _queries(api, path, pagesize=2, filter=rich_filter)
    with django_assert_max_num_queries(most + SHARED_QUOTA_COUNT):
        big = _queries(api, path, pagesize=100, filter=rich_filter)
    assert small == big
