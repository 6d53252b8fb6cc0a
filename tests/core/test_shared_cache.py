"""The database cache every web process shares when there is no Redis (core/shared_cache.py):
Django's cache rules, on the real test database."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches

from quaestio.core.shared_cache import DatabaseCache, count_in_windows

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    backend = caches["default"]
    assert isinstance(backend, DatabaseCache), "without REDIS_URL the cache is the database's"
    return backend


def test_values_of_any_kind_round_trip(cache):
    cache.set("text", "é")
    cache.set("structure", {"a": [1, 2]})
    cache.set("number", 7)
    assert cache.get("text") == "é"
    assert cache.get("structure") == {"a": [1, 2]}
    assert cache.get("number") == 7
    assert cache.get("absent", "default") == "default"


def test_add_stores_only_when_the_key_is_absent_or_expired(cache):
    assert cache.add("k", 1, 60) is True
    assert cache.add("k", 2, 60) is False
    assert cache.get("k") == 1
    cache.set("gone", 1, 0.05)
    time.sleep(0.1)
    assert cache.get("gone") is None
    assert cache.add("gone", 3, 60) is True
    assert cache.get("gone") == 3


def test_incr_counts_and_refuses_a_missing_key(cache):
    cache.set("n", 1, 60)
    assert cache.incr("n") == 2
    assert cache.incr("n", 5) == 7
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_delete_touch_and_clear(cache):
    cache.set("a", 1, 60)
    assert cache.touch("a", 120) is True
    assert cache.delete("a") is True
    assert cache.delete("a") is False
    cache.set("b", 1)
    cache.clear()
    assert cache.get("b") is None


def test_counters_count_in_windows_and_restart_after_one(cache):
    assert count_in_windows(("x", 60), ("y", 60)) == {"x": 1, "y": 1}
    assert count_in_windows(("x", 60), ("y", 60)) == {"x": 2, "y": 2}
    assert count_in_windows(("short", 0.05)) == {"short": 1}
    time.sleep(0.1)
    assert count_in_windows(("short", 60)) == {"short": 1}, "a past window starts again"
    assert cache.get("x") == 2, "counters read back through the cache"


def test_counting_several_windows_is_one_statement(cache, django_assert_num_queries):
    count_in_windows(("warm", 60))  # the sweep of expired rows runs on a first write
    with django_assert_num_queries(1):
        count_in_windows(("a", 1), ("b", 86_400), ("c", 10))


def test_expired_rows_are_swept(cache):
    from quaestio.core.models import SharedCacheEntry

    cache.set("old", 1, 0.01)
    time.sleep(0.05)
    cache._next_sweep = 0.0  # due now
    cache.set("new", 1, 60)
    assert list(SharedCacheEntry.objects.values_list("key", flat=True)) == [cache.make_key("new")]
