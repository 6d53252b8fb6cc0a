"""The question page's raw rows carry aware UTC datetimes whatever form SQLite stored them in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from quaestio.posts.sql import _aware


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2017-06-26 22:18:00", datetime(2017, 6, 26, 22, 18, tzinfo=UTC)),
        ("2017-06-26 22:18:00.123456", datetime(2017, 6, 26, 22, 18, 0, 123456, tzinfo=UTC)),
        ("2017-06-26T22:18:00.123", datetime(2017, 6, 26, 22, 18, 0, 123000, tzinfo=UTC)),
        ("2017-06-26 23:18:00+01:00", datetime(2017, 6, 26, 22, 18, tzinfo=UTC)),
    ],
)
def test_stored_text_becomes_an_aware_utc_datetime(stored, expected):
    moment = _aware(stored)
    assert moment == expected and moment.tzinfo is UTC


def test_aware_datetimes_and_none_pass_through():
    eastern = datetime(2020, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5)))
    assert _aware(eastern) is eastern
    assert _aware(None) is None


def test_a_malformed_stored_date_is_an_error_not_a_silent_none():
    with pytest.raises(ValueError):
        _aware("26/06/2017")
