"""Django's cache on a table of the site's own database, for a site without Redis.

Why not Django's local-memory cache: it lives in one process, and a site served by several
processes (`quaestio serve --workers 2`, `quaestio cluster`) must hold its rate limits, quotas,
throttles and "seen" memories for all of them. Why not Django's own database cache: it counts
every row of its table on each write (a cost that grows with the table) and its `incr` is a
read then a write, so two processes counting at once lose a count. Here every operation is one
statement (an upsert with RETURNING, run the same way by SQLite 3.35+ and PostgreSQL), so
counting is atomic across processes, and expired rows are swept by their indexed expiry.

`count_in_windows` counts several windowed counters in one statement (the API's three limits
cost one query per call); on any other cache backend (Redis) it falls back to add + incr.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterable

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection

from quaestio.core.models import SharedCacheEntry

NEVER = 253_402_300_799.0  # 9999-12-31: a key stored without a timeout
SWEEP_EVERY_SECONDS = 60  # per process: how often a write also deletes the expired rows
SWEEP_AT_MOST = 1000  # expired rows deleted by one sweep


def _table() -> str:
    return connection.ops.quote_name(SharedCacheEntry._meta.db_table)


def _stored(value) -> tuple[bytes | None, int | None]:
    if type(value) is int:  # a counter: kept as a number so incr is one UPDATE
        return None, value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL), None


def _loaded(value, number):
    if number is not None:
        return number
    return pickle.loads(bytes(value))


class DatabaseCache(BaseCache):
    """The cache backend settings.CACHES names when REDIS_URL is unset."""

    def __init__(self, location, params):
        super().__init__(params)
        self._next_sweep = 0.0

    # --- reading ------------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value, number FROM {_table()} WHERE key = %s AND expires > %s",
                [key, time.time()],
            )
            row = cursor.fetchone()
        return default if row is None else _loaded(*row)

    def has_key(self, key, version=None):
        sentinel = object()
        return self.get(key, sentinel, version=version) is not sentinel

    # --- writing ------------------------------------------------------------------------------

    def _expires(self, timeout) -> float:
        absolute = self.get_backend_timeout(timeout)
        return NEVER if absolute is None else absolute

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if timeout is not DEFAULT_TIMEOUT and timeout is not None and timeout <= 0:
            self.delete(key, version=version)  # Django's rule: a timeout of 0 expires at once
            return
        key = self.make_and_validate_key(key, version=version)
        stored, number = _stored(value)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table()} (key, value, number, expires) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "number = excluded.number, expires = excluded.expires",
                [key, stored, number, self._expires(timeout)],
            )
        self._sweep_now_and_then()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Stores the value only when the key is absent or expired; True when it did. One
        statement, so of two processes adding the same key at once exactly one succeeds."""
        key = self.make_and_validate_key(key, version=version)
        stored, number = _stored(value)
        now = time.time()
        table = _table()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, value, number, expires) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "number = excluded.number, expires = excluded.expires "
                f"WHERE {table}.expires <= %s RETURNING key",
                [key, stored, number, self._expires(timeout), now],
            )
            added = cursor.fetchone() is not None
        self._sweep_now_and_then()
        return added

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table()} SET number = number + %s "
                "WHERE key = %s AND expires > %s AND number IS NOT NULL RETURNING number",
                [delta, key, time.time()],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table()} SET expires = %s WHERE key = %s AND expires > %s",
                [self._expires(timeout), key, time.time()],
            )
            return cursor.rowcount == 1

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table()} WHERE key = %s", [key])
            return cursor.rowcount == 1

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table()}")

    # --- counters -----------------------------------------------------------------------------

    def count_many(self, counters: Iterable[tuple[str, int]]) -> dict[str, int]:
        """Adds one to each (key, window seconds) counter and returns the new counts by key; a
        counter absent or past its window starts again at 1. One statement for all of them."""
        counters = sorted(dict(counters).items())  # one order everywhere: no lock-order deadlock
        made = {self.make_and_validate_key(key): key for key, _ in counters}
        now = time.time()
        table = _table()
        rows = ", ".join(["(%s, NULL, 1, %s)"] * len(counters))
        parameters = []
        for key, window in counters:
            parameters += [self.make_and_validate_key(key), now + window]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, value, number, expires) VALUES {rows} "
                "ON CONFLICT (key) DO UPDATE SET value = NULL, "
                f"number = CASE WHEN {table}.expires > %s AND {table}.number IS NOT NULL "
                f"THEN {table}.number + 1 ELSE 1 END, "
                f"expires = CASE WHEN {table}.expires > %s THEN {table}.expires "
                "ELSE excluded.expires END "
                "RETURNING key, number",
                [*parameters, now, now],
            )
            counts = {made[key]: number for key, number in cursor.fetchall()}
        self._sweep_now_and_then()
        return counts

    def _sweep_now_and_then(self) -> None:
        now = time.time()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY_SECONDS
        table = _table()
        # Bounded, so a request never pays for a long backlog (the next sweeps take the rest),
        # and on PostgreSQL rows another process holds are skipped rather than waited for.
        skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE key IN (SELECT key FROM {table} "
                f"WHERE expires <= %s LIMIT %s{skip_locked})",
                [now, SWEEP_AT_MOST],
            )


def count_in_windows(*counters: tuple[str, int]) -> dict[str, int]:
    """Counts one more for each (key, window seconds) and returns the counts, on whichever
    cache the site uses; every web process sees the same counts (Redis or the database)."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        return backend.count_many(counters)
    return {key: _count_in_cache(backend, key, window) for key, window in counters}


def _count_in_cache(backend, key: str, window: int) -> int:
    # add() then incr(): atomic on Redis (SET NX, INCR).
    if backend.add(key, 1, window):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # expired between the two calls
        backend.add(key, 1, window)
        return 1
