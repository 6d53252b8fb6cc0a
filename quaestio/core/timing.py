"""Server-Timing: database time and query count, template time, total.

Sent to staff and moderators, or to everyone when QUAESTIO_SERVER_TIMING is "all" (the
benchmarks read it); "off" sends it to nobody. Timings help an attacker tell what a request
made the server do, so visitors do not get them by default.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

_template_seconds: ContextVar[float] = ContextVar("template_seconds", default=0.0)


def add_template_time(seconds: float) -> None:
    _template_seconds.set(_template_seconds.get() + seconds)


class _QueryTimer:
    """A database execute wrapper that counts queries and their time for one request."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = _template_seconds.set(0.0)
        timer = _QueryTimer()
        wrappers = [connections[alias].execute_wrapper(timer) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        total_ms = (time.perf_counter() - started) * 1000
        template_ms = _template_seconds.get() * 1000
        _template_seconds.reset(token)
        if not _shown_to(request):
            return response
        response["Server-Timing"] = (
            f'db;dur={timer.seconds * 1000:.2f};desc="{timer.count} queries", '
            f"tpl;dur={template_ms:.2f}, total;dur={total_ms:.2f}"
        ) + _page_cache_mark(request)
        return response


def _page_cache_mark(request) -> str:
    # Set by the anonymous page cache (web/page_cache.py) on the pages it may serve.
    outcome = getattr(request, "page_cache", None)
    return f", cache;desc={outcome}" if outcome else ""


def _shown_to(request) -> bool:
    audience = settings.QUAESTIO_SERVER_TIMING
    if audience == "all":
        return True
    if audience == "off":
        return False
    # Set by the authentication middleware, further in; absent when a middleware before it
    # answered (then nobody is known to be staff).
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and (getattr(user, "is_staff", False) or getattr(user, "is_moderator", False))
    )
