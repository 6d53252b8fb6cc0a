"""The page generation: one number for the whole site, bumped by every write that changes what
an anonymous visitor's page shows. The anonymous page cache (web/page_cache.py) keys each page
by it, so a write makes every cached page unreachable the moment it commits, in every process.

Why one number rather than one per page: a vote on one question changes its author's
reputation, which the lists and every other thread showing that author display; a per-page
version would need to know every page a person appears on. One generation is exact at the cost
of the hit ratio on a busy site (every write empties the cache), which is the trade Discourse's
anonymous cache makes too (with a TTL as its only invalidation; ours has both).

Who bumps it: `thread_changed` (posts/thread_version.py), which every write to a thread (posts,
comments, votes, acceptance, bounties, close, lock, delete, notices) calls last in its
transaction; and the writes that change people or counts outside a thread (profile edits,
badges, `recount`, the reputation recalculation), which call `pages_changed` themselves.

Bumped just after the writing transaction commits (`transaction.on_commit`), in a statement of its
own, before the request that wrote answers: so a read that starts after a write was
acknowledged reads the new generation and cannot be served a page cached before it. A reader
between the commit and the bump stores what it rendered under the old generation, which the
bump then makes unreachable. Not inside the transaction: the soak (bench/soak.py) found that
holding this one row to commit deadlocks with the triggers that lock user rows at commit
(PostgreSQL "deadlock detected" on accounts_user). The cost: a process killed between a commit
and its bump leaves pages up to QUAESTIO_PAGE_CACHE_SECONDS old.
"""

from __future__ import annotations

from django.db import connection, transaction

from quaestio.core.models import PageGeneration

_TABLE = PageGeneration._meta.db_table
_NAME = "pages"
_BUMP = f"""
    INSERT INTO {_TABLE} (name, number) VALUES (%s, 1)
    ON CONFLICT (name) DO UPDATE SET number = {_TABLE}.number + 1
"""
_READ = f"SELECT number FROM {_TABLE} WHERE name = %s"


def pages_changed() -> None:
    """What some anonymous page shows has changed: call in the writing transaction; the
    generation moves once it commits (at once outside a transaction)."""
    transaction.on_commit(_bump)


def _bump() -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [_NAME])


def page_generation() -> int:
    """The current generation (0 before any change): one indexed read."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [_NAME])
        row = cursor.fetchone()
    return row[0] if row else 0
