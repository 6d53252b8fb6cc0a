"""Quota and throttling, as Stack Exchange applies them.

* A daily quota per IP address: 300 requests without an app key, 10,000 with one; `quota_remaining` counts down, and an exhausted quota is a `throttle_violation`.
* Too many requests per second from one IP is a `throttle_violation` with a wait in the message.
* A caller hammering one method gets `backoff` (seconds to wait before calling it again) on the
  response; clients honour it (StackAPI sleeps backoff + 1).

Counters live in Django's cache, which every web process shares: Redis with REDIS_URL, else the
database (quaestio.core.shared_cache), where the three counts of a call cost one statement.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from quaestio.api.errors import ThrottleViolation
from quaestio.core.client import client_address
from quaestio.core.shared_cache import count_in_windows

DAY_SECONDS = 86_400
BACKOFF_WINDOW_SECONDS = 5


@dataclass(frozen=True)
class Limits:
    quota_anonymous: int
    quota_keyed: int
    requests_per_second: int
    method_calls_before_backoff: int  # per BACKOFF_WINDOW_SECONDS
    backoff_seconds: int


def limits() -> Limits:
    return Limits(
        quota_anonymous=settings.QUAESTIO_API_QUOTA_ANONYMOUS,
        quota_keyed=settings.QUAESTIO_API_QUOTA_KEYED,
        requests_per_second=settings.QUAESTIO_API_REQUESTS_PER_SECOND,
        method_calls_before_backoff=settings.QUAESTIO_API_BACKOFF_AFTER,
        backoff_seconds=settings.QUAESTIO_API_BACKOFF_SECONDS,
    )


@dataclass
class Allowance:
    quota_max: int
    quota_remaining: int
    backoff: int | None


def client_ip(request) -> str:
    return client_address(request) or "unknown"


def admit(request, method: str, key: str | None) -> Allowance:
    """Count this request; raise ThrottleViolation when the caller is over a limit."""
    rules = limits()
    ip = client_ip(request)
    now = time.time()
    rate_key = f"api:rate:{ip}:{int(now)}"
    # Counted per IP whatever the key: app keys are not registered here, so a caller could
    # otherwise reset its quota by inventing keys. A key only raises the maximum.
    quota_key = f"api:quota:{int(now // DAY_SECONDS)}:{ip}"
    method_key = f"api:method:{ip}:{method}:{int(now // BACKOFF_WINDOW_SECONDS)}"
    counts = count_in_windows(
        (rate_key, 2), (quota_key, DAY_SECONDS), (method_key, BACKOFF_WINDOW_SECONDS * 2)
    )
    if counts[rate_key] > rules.requests_per_second:
        raise ThrottleViolation(
            "too many requests from this IP, more requests available in 1 seconds", backoff=1
        )
    quota_max = rules.quota_keyed if key else rules.quota_anonymous
    used = counts[quota_key]
    if used > quota_max:
        wait = DAY_SECONDS - int(now % DAY_SECONDS)
        raise ThrottleViolation(
            f"the daily quota of {quota_max} requests is spent, more requests available in {wait} seconds",
            backoff=wait,
        )
    calls = counts[method_key]
    backoff = rules.backoff_seconds if calls > rules.method_calls_before_backoff else None
    return Allowance(quota_max, max(quota_max - used, 0), backoff)
