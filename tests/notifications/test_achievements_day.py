"""The achievements marker at a day boundary (issue 18.2): the live counter, the dropdown's
unseen marks and `quaestio recount` follow one rule (notifications/achievements.py), so the
top bar never counts an event the day's list does not show, and the recount finds nothing to
correct."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.core.counters import recount
from quaestio.notifications import achievements
from quaestio.notifications.counters import ACHIEVEMENTS_UNSEEN
from quaestio.notifications.selectors import achievements_today, top_bar_counts
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    return User.objects.get(id=user.id)


def _recount_agrees() -> bool:
    return recount(only={ACHIEVEMENTS_UNSEEN}) == {ACHIEVEMENTS_UNSEEN: 0}


def test_events_either_side_of_midnight(make_user):
    """An event a microsecond before today (UTC) is not counted, one at midnight exactly is:
    by the live counter, the dropdown's marks and the recount alike."""
    user = make_user()
    start = achievements.day_start()
    ledger.change(user.id, 10, Reason.UPVOTE, now=start - timedelta(microseconds=1))
    ledger.change(user.id, 10, Reason.UPVOTE, now=start)
    assert top_bar_counts(_fresh(user))["achievements_unseen"] == 1
    listed = achievements_today(_fresh(user))
    assert [item.unseen for item in listed.items] == [True]  # yesterday's is not in the list
    assert _recount_agrees()
    User.objects.filter(id=user.id).update(achievements_unseen=5)
    assert recount(only={ACHIEVEMENTS_UNSEEN}) == {ACHIEVEMENTS_UNSEEN: 1}
    assert top_bar_counts(_fresh(user))["achievements_unseen"] == 1


def test_yesterdays_count_reads_zero_and_today_starts_again(make_user):
    """A count kept yesterday (never opened, so the list never cleared it) reads 0 today, as
    the recount and the list say; today's first event makes it 1, not yesterday's + 1."""
    user = make_user()
    yesterday = achievements.today() - timedelta(days=1)
    User.objects.filter(id=user.id).update(achievements_unseen=4, achievements_day=yesterday)
    assert top_bar_counts(_fresh(user))["achievements_unseen"] == 0
    assert achievements_today(_fresh(user)).items == []
    assert _recount_agrees()
    ledger.change(user.id, 10, Reason.UPVOTE)
    assert top_bar_counts(_fresh(user))["achievements_unseen"] == 1
    assert _recount_agrees()


def test_opening_the_list_then_a_new_event(make_user):
    """Opened the list: nothing unseen; a later event is 1, in the marker and the recount."""
    user = make_user()
    ledger.change(user.id, 10, Reason.UPVOTE)
    client = Client()
    client.force_login(user)
    assert client.get("/users/achievements").status_code == 200
    assert top_bar_counts(_fresh(user))["achievements_unseen"] == 0 and _recount_agrees()
    ledger.change(user.id, 10, Reason.UPVOTE, now=timezone.now() + timedelta(seconds=1))
    fresh = _fresh(user)
    assert top_bar_counts(fresh)["achievements_unseen"] == 1
    assert sum(i.unseen for i in achievements_today(fresh).items) == 1
    assert _recount_agrees()
