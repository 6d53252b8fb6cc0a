"""The reputation page and its selector: changes by day and post, fixed query count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaestio.reputation import services
from quaestio.reputation.models import Reason
from quaestio.reputation.selectors import reputation_graph, reputation_page
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 4, 1, 12, tzinfo=UTC)


def test_changes_grouped_by_day_then_post():
    """Rows of one day on one post are grouped with their total; days newest first."""
    user = make_user(1)
    question = make_question(user)
    answer = make_answer(make_question(make_user(1)), user)
    services.change(user.id, 10, Reason.UPVOTE, post_id=question.id, now=DAY)
    services.change(user.id, 10, Reason.UPVOTE, post_id=question.id, now=DAY)
    services.change(user.id, 15, Reason.ACCEPT, post_id=answer.id, now=DAY + timedelta(days=1))
    page = reputation_page(user.id)
    assert [(d.day.isoformat(), d.total) for d in page.days] == [
        ("2026-04-02", 15),
        ("2026-04-01", 20),
    ]
    assert [(g.post_id, g.total, len(g.rows)) for g in page.days[1].posts] == [(question.id, 20, 2)]
    assert page.days[0].posts[0].url == f"/a/{answer.id}"


def test_reputation_page_query_count_does_not_grow(django_assert_num_queries):
    """Three queries however many changes and posts."""
    user = make_user(1)
    for i in range(30):
        post = make_question(user)
        services.change(user.id, 10, Reason.UPVOTE, post_id=post.id, now=DAY + timedelta(hours=i))
    with django_assert_num_queries(3):
        reputation_page(user.id)


def test_graph_points_run_from_one_to_the_total():
    """The graph starts at 1 and climbs to the running total, scaled into the box."""
    graph = reputation_graph(
        [{"day": DAY.date(), "total": 10}, {"day": (DAY + timedelta(days=1)).date(), "total": 5}]
    )
    assert (graph.low, graph.high) == (1, 16)
    points = [tuple(map(float, p.split(","))) for p in graph.points.split()]
    assert points[0] == (0.0, float(graph.height)) and points[-1] == (float(graph.width), 0.0)


def test_unknown_user_has_no_page():
    """No user, no page."""
    assert reputation_page(987654) is None


def test_graph_spaces_days_by_date():
    """A quiet week is a long flat stretch: x follows the calendar, not the event count."""
    d0 = DAY.date()
    graph = reputation_graph(
        [
            {"day": d0, "total": 10},
            {"day": d0 + timedelta(days=1), "total": 10},
            {"day": d0 + timedelta(days=10), "total": 10},
        ]
    )
    xs = [float(p.split(",")[0]) for p in graph.points.split()]
    # The line starts the day before the first change: eleven days wide, each day 640/11 px.
    assert xs == [0.0, 58.2, 116.4, 640.0]
