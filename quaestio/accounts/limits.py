"""Rate limits (spec §11): counters that expire with their window.

The functions on Django's cache (`attempts`, `record_attempt`, `claim_interval`) hold for the
whole site: the cache is Redis with REDIS_URL, else a table of the database
(quaestio.core.shared_cache), never one process's memory. Limits that guard accounts (log-in
failures, sign-ups) use `shared_counters()`: ThrottleCounter rows by default, Redis when set. Limits that follow from stored rows (time since your last question) are checked
against the rows instead, in the policies, so they hold everywhere.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from quaestio.accounts.models import ThrottleCounter
from quaestio.core.shared_cache import count_in_windows


def _key(scope: str, who: object) -> str:
    # Hashed so any input (an e-mail with odd characters) makes a valid key on every backend.
    digest = hashlib.sha256(str(who).encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def attempts(scope: str, who: object) -> int:
    return int(cache.get(_key(scope, who), 0))


def record_attempt(scope: str, who: object, window_seconds: int) -> int:
    """Count one attempt in the window that started with the first attempt; returns the count."""
    key = _key(scope, who)
    return count_in_windows((key, window_seconds))[key]


def clear_attempts(scope: str, who: object) -> None:
    cache.delete(_key(scope, who))


def claim_interval(scope: str, who: object, seconds: int) -> bool:
    """True when `who` may act now, and starts the next `seconds` of quiet; False when too soon."""
    return cache.add(_key(scope, who), 1, seconds)


# --- counters every process sees ------------------------------------------------------------


class CacheCounters:
    """Shared counters in the cache, when the cache is Redis (one store for every process)."""

    def count(self, scope: str, who: object) -> int:
        return attempts(scope, who)

    def add(self, scope: str, who: object, window_seconds: int) -> int:
        return record_attempt(scope, who, window_seconds)

    def clear(self, scope: str, who: object) -> None:
        clear_attempts(scope, who)


class DatabaseCounters:
    """Shared counters as rows of ThrottleCounter, each expiring with its window."""

    def count(self, scope: str, who: object) -> int:
        row = (
            ThrottleCounter.objects.filter(key=_key(scope, who), expires__gt=timezone.now())
            .values_list("count", flat=True)
            .first()
        )
        return row or 0

    def add(self, scope: str, who: object, window_seconds: int) -> int:
        """Count one more in the window that started with the first; returns the count.

        One upsert, so two processes counting at the same moment both count: an expired row
        starts again at 1. The same statement on SQLite (3.35+) and PostgreSQL.
        """
        now = timezone.now()
        quote = connection.ops.quote_name
        table, key, count, expires = (
            quote(name) for name in (ThrottleCounter._meta.db_table, "key", "count", "expires")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "
                f"ON CONFLICT ({key}) DO UPDATE SET "
                f"{count} = CASE WHEN {table}.{expires} > %s THEN {table}.{count} + 1 ELSE 1 END, "
                f"{expires} = CASE WHEN {table}.{expires} > %s THEN {table}.{expires} "
                f"ELSE excluded.{expires} END "
                f"RETURNING {count}",
                [_key(scope, who), now + timedelta(seconds=window_seconds), now, now],
            )
            total = cursor.fetchone()[0]
        # Failures are rare, so each one also sweeps the rows whose window has passed.
        ThrottleCounter.objects.filter(expires__lte=now).delete()
        return total

    def clear(self, scope: str, who: object) -> None:
        ThrottleCounter.objects.filter(key=_key(scope, who)).delete()


def shared_counters() -> CacheCounters | DatabaseCounters:
    return CacheCounters() if settings.REDIS_URL else DatabaseCounters()
