"""Each process's kept threads (web/thread_render.ThreadEntry), one per question, bounded by
bytes (settings.QUAESTIO_THREAD_CACHE_BYTES, 32 MB by default).

Per process, and correct across processes: an entry is used only for the thread version the
view read from the database in its first query (posts/thread_version.py), so a write made by
any process is seen by every other at its next view of the thread.
"""

from __future__ import annotations

from django.conf import settings

from quaestio.core.bounded_cache import BoundedCache

_cache: BoundedCache | None = None


def thread_cache() -> BoundedCache:
    global _cache
    if _cache is None:
        _cache = BoundedCache(settings.QUAESTIO_THREAD_CACHE_BYTES, lambda entry: entry.nbytes)
    return _cache
