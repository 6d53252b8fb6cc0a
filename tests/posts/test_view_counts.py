"""Question views: one per visitor per window, whichever web process serves them (issue 15.11)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.posts.models import Post, QuestionView
from quaestio.posts.services import (
    VIEW_WINDOW_SECONDS,
    count_question_view,
    forget_recent_views,
    sweep_question_views,
)


def _views(question) -> int | None:
    return Post.objects.get(id=question.id).view_count


def _forget_process_memory():
    """What a second web process starts with: none of this process's in-memory state."""
    caches["default"].clear()
    forget_recent_views()


def test_a_question_with_no_view_count_counts_its_first_view(ask):
    """An imported question whose view count is NULL counts views from 1 (NULL + 1 stays NULL)."""
    question = ask()
    Post.objects.filter(id=question.id).update(view_count=None)
    assert count_question_view(question.id, "203.0.113.7")
    assert _views(question) == 1


def test_a_visitor_counts_once_across_processes(ask):
    """The same visitor seen by a second process within the window does not count again."""
    question = ask()
    before = _views(question) or 0
    assert count_question_view(question.id, "203.0.113.7")
    _forget_process_memory()
    assert not count_question_view(question.id, "203.0.113.7")
    assert count_question_view(question.id, "u42")  # another visitor still counts
    assert _views(question) == before + 2


def test_a_reload_within_the_window_writes_nothing(ask):
    """Views are coalesced: once a process knows a visitor's window (from the row it wrote or
    found), their reloads within it cost no query; a second process asks the database once."""
    question = ask()
    assert count_question_view(question.id, "203.0.113.7")
    with CaptureQueriesContext(connection) as captured:
        assert not count_question_view(question.id, "203.0.113.7")
    assert len(captured) == 0
    _forget_process_memory()
    with CaptureQueriesContext(connection) as captured:
        assert not count_question_view(question.id, "203.0.113.7")
        assert not count_question_view(question.id, "203.0.113.7")
    assert len(captured) == 1
    assert _views(question) == 1


def test_a_visitor_counts_again_after_the_window(ask):
    """Once the window has passed, the same visitor's view counts again, and the sweep removes
    only the rows whose window has ended."""
    question = ask()
    assert count_question_view(question.id, "203.0.113.7")
    assert count_question_view(question.id, "198.51.100.1")
    QuestionView.objects.filter(question_id=question.id).update(
        seen_at=timezone.now() - timedelta(seconds=VIEW_WINDOW_SECONDS + 1)
    )
    forget_recent_views()  # the window has passed for this process's copy of it too
    assert count_question_view(question.id, "203.0.113.7")
    assert sweep_question_views() == 1  # the other visitor's old row; the renewed one stays
    assert not count_question_view(question.id, "203.0.113.7")


def test_the_address_is_not_stored(ask):
    """Only a keyed hash of the visitor is kept."""
    question = ask()
    count_question_view(question.id, "203.0.113.7")
    stored = QuestionView.objects.get(question_id=question.id).visitor
    assert "203.0.113.7" not in stored and len(stored) == 32


@pytest.fixture
def redis_cache():
    """The Redis cache deployments set with REDIS_URL; keys prefixed per test, so this test
    never clears (or reads) anything another process keeps there."""
    from redis import Redis

    try:
        Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": backend}):
        yield


def test_with_redis_a_visitor_counts_once_across_processes(ask, redis_cache):
    """With Redis (shared by every process) the window lives there, not in the database."""
    question = ask()
    before = _views(question) or 0
    assert count_question_view(question.id, "203.0.113.8")
    assert not count_question_view(question.id, "203.0.113.8")
    assert not QuestionView.objects.exists()
    assert _views(question) == before + 1
