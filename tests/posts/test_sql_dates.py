"""The question page's raw rows carry aware UTC datetimes whatever form SQLite stored them in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaestio.posts import sql
from quaestio.posts.sql import _utc_from_text


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
    moment = _utc_from_text(stored)
    assert moment == expected and moment.tzinfo is UTC


def test_thread_rows_carry_aware_utc_datetimes(ask, make_user):
    """Through the real database (text on SQLite, timestamptz on PostgreSQL): every date of the
    thread's posts and comments is aware and in UTC, and dates never set stay None."""
    from django.db import connection

    from quaestio.comments.services import comment_add

    question = ask()
    comment_add(make_user(reputation=100), question.id, "A comment long enough to be kept.")
    with connection.cursor() as cursor:
        (post,) = sql.thread_posts(cursor, question.id)
        (comment,), _totals = sql.thread_comments(cursor, [question.id])
        (top,), totals = sql.thread_comments(cursor, [question.id], 5)  # each post's top five
    assert totals == {question.id: 1}
    for moment in (
        post.creation_date,
        post.last_activity_date,
        comment.creation_date,
        top.creation_date,
    ):
        assert moment.utcoffset() == timedelta(0)
    assert post.closed_date is None and post.locked_date is None


def test_a_malformed_stored_date_is_an_error_not_a_silent_none():
    with pytest.raises(ValueError):
        _utc_from_text("26/06/2017")
