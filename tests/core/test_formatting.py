"""Numbers and dates as Stack Exchange prints them (spec §9)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from quaestio.core.formatting import (
    day_date,
    iso_title,
    post_date,
    relative_time,
    reputation_short,
    time_span,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1, "1"),
        (999, "999"),
        (1180, "1,180"),
        (9999, "9,999"),
        (16741, "16.7k"),
        (16750, "16.8k"),
        (16950, "17k"),
        (97526, "97.5k"),
        (99950, "100k"),
        (100499, "100k"),
        (100500, "101k"),
        (104554, "105k"),
        (279843, "280k"),
        (1_400_000, "1.4m"),
    ],
)
def test_reputation_is_abbreviated_like_stack_exchange(value, shown):
    """Reputation: as is below 10k, one decimal k below 100k (half up), whole k above, then m."""
    assert reputation_short(value) == shown


def test_old_dates_use_the_seed_format_and_recent_ones_are_relative():
    """`Jun 26 '17 at 22:18` for earlier years, `Jun 26 at 22:18` this year, relative under 2 days."""
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert post_date(datetime(2017, 6, 26, 22, 18, 8, tzinfo=UTC), now) == "Jun 26 '17 at 22:18"
    assert post_date(datetime(2026, 3, 5, 9, 7, tzinfo=UTC), now) == "Mar 5 at 09:07"
    assert post_date(now - timedelta(minutes=5), now) == "5 mins ago"
    assert post_date(now - timedelta(hours=1), now) == "1 hour ago"
    assert post_date(now - timedelta(hours=30), now) == "yesterday"


def test_relative_time_in_headers_counts_years_and_months():
    now = datetime(2026, 11, 26, tzinfo=UTC)
    assert relative_time(datetime(2017, 6, 26, tzinfo=UTC), now) == "9 years, 5 months ago"
    assert relative_time(now - timedelta(seconds=1), now) == "1 sec ago"


def test_future_moments_read_as_future():
    """A bounty's end: "in 7 days", "in 3 hours", "in 1 min", never "0 secs ago"."""
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert relative_time(now + timedelta(days=7), now) == "in 7 days"
    assert relative_time(now + timedelta(hours=3, minutes=10), now) == "in 3 hours"
    assert relative_time(now + timedelta(seconds=61), now) == "in 1 min"
    assert relative_time(now + timedelta(days=1, hours=2), now) == "in 1 day"
    assert post_date(now + timedelta(days=7), now) == "in 7 days"


def test_day_headings_and_member_for_spans_need_no_locale():
    """The reputation page's day headings and the profile's "Member for" use our own names."""
    assert day_date(date(2024, 1, 2)) == "Jan 2, 2024"
    assert time_span(400 * 86_400) == "1 year, 1 month"
    assert time_span(3 * 3600) == "3 hours"


def test_every_timestamp_has_an_iso_tooltip():
    assert iso_title(datetime(2017, 6, 26, 22, 18, 8, tzinfo=UTC)) == "2017-06-26 22:18:08Z"


def test_time_tags_are_the_same_whether_formatted_anew_or_remembered():
    """The page's <time> element: old dates (memoised per process) and recent ones (always
    computed, relative) print as post_date does, with the ISO tooltip, in any time zone given."""
    from zoneinfo import ZoneInfo

    from quaestio.web.presenters import time_html

    now = datetime.now(UTC)
    old = datetime(2017, 6, 26, 22, 18, 8, tzinfo=UTC)
    for _ in range(2):  # the second call is answered from the memo
        assert time_html(old, now) == (
            '<time datetime="2017-06-26T22:18:08+00:00" title="2017-06-26 22:18:08Z">'
            "Jun 26 &#39;17 at 22:18</time>"
        )
    assert time_html(old.astimezone(ZoneInfo("Europe/Moscow")), now) == time_html(old, now)
    recent = now - timedelta(minutes=5)
    assert ">5 mins ago</time>" in time_html(recent, now)
    assert time_html(old, now, relative=True).endswith(" ago</time>")  # never memoised
