"""The reputation graph for one day and for ten years of ledger rows (issue 18.1): the points
are days, weeks or months by the span, so the SVG stays small and the page's queries fixed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from quaestio.core.links import user_url
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.selectors import (
    GRAPH_HEIGHT,
    GRAPH_WIDTH,
    bucketed,
    reputation_page,
)

pytestmark = pytest.mark.django_db
START = datetime(2015, 1, 1, 12, tzinfo=UTC)


def _ledger(user, days: int, amount: int = 10, step_hours: int = 24) -> None:
    ReputationChange.objects.bulk_create(
        ReputationChange(
            user=user,
            amount=amount,
            nominal=amount,
            reason=Reason.UPVOTE,
            created_at=START + timedelta(hours=step_hours * n),
        )
        for n in range(days)
    )


def _points(graph) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in graph.points.split()]


def test_one_day_of_events_draws_a_rise_across_the_box(make_user):
    """Ten changes on one day: one daily point after the start, from the bottom left to the
    top right."""
    user = make_user()
    _ledger(user, 10, step_hours=1)
    graph = reputation_page(user.id).graph
    assert graph.bucket == "day" and graph.point_count == 2
    assert _points(graph) == [(0.0, GRAPH_HEIGHT), (GRAPH_WIDTH, 0.0)]
    assert (graph.low, graph.high) == (1, 101)


def test_ten_years_of_daily_events_draw_monthly_points(make_user, django_assert_num_queries):
    """3,650 daily rows: about 120 monthly points, rising monotonically to the total, dates
    in proportion; the page still takes its three queries."""
    user = make_user()
    _ledger(user, 3650)
    with django_assert_num_queries(3):
        page = reputation_page(user.id)
    graph = page.graph
    assert graph.bucket == "month"
    assert 119 <= graph.point_count <= 122
    points = _points(graph)
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    assert xs == sorted(xs) and xs[0] == 0 and xs[-1] == GRAPH_WIDTH
    assert ys == sorted(ys, reverse=True) and ys[-1] == 0
    assert graph.high == 1 + 36_500
    assert graph.first_day == date(2015, 1, 1)


def test_a_year_and_a_half_draws_weekly_points():
    """Between four months and three years, a point per week (Mondays)."""
    daily = [{"day": date(2020, 1, 1) + timedelta(days=n), "total": 1} for n in range(540)]
    kind, buckets = bucketed(daily)
    assert kind == "week"
    assert all(b["day"].weekday() == 0 for b in buckets)
    assert sum(b["total"] for b in buckets) == 540
    assert len(buckets) <= 80


def test_profile_reputation_tab_renders_the_graph(make_user):
    """?tab=reputation draws the SVG polyline with the monthly points."""
    user = make_user()
    _ledger(user, 3650)
    html = Client().get(user_url(user.id, user.display_name) + "?tab=reputation").content.decode()
    polyline = re.search(r'<polyline points="([^"]+)"', html).group(1)
    assert 119 <= len(polyline.split()) <= 122
    assert 'data-bucket="month"' in html
