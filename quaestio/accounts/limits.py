"""Rate limits on Django's cache (spec §11): counters that expire with their window.

With the local-memory cache a limit holds per server process; with Redis (REDIS_URL) it holds
for the whole site. Limits that follow from stored rows (time since your last question) are
checked against the rows instead, in the policies, so they hold everywhere.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, who: object) -> str:
    # Hashed so any input (an e-mail with odd characters) makes a valid key on every backend.
    digest = hashlib.sha256(str(who).encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def attempts(scope: str, who: object) -> int:
    return int(cache.get(_key(scope, who), 0))


def record_attempt(scope: str, who: object, window_seconds: int) -> int:
    """Count one attempt in the window that started with the first attempt; returns the count."""
    key = _key(scope, who)
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return 1


def clear_attempts(scope: str, who: object) -> None:
    cache.delete(_key(scope, who))


def claim_interval(scope: str, who: object, seconds: int) -> bool:
    """True when `who` may act now, and starts the next `seconds` of quiet; False when too soon."""
    return cache.add(_key(scope, who), 1, seconds)
