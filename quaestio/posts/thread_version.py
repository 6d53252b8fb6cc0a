"""The thread version: one number per question, bumped by every write that changes what the
question's page shows (a post, comment, vote, acceptance, edit, deletion, close, lock, notice,
bounty ...). The page keeps each thread's viewer-independent HTML per process under (question,
version) (web/thread_cache.py); the version lives in the database, which every process reads with
the thread's first query, so a write made by any process is shown by all of them at once.

The one place that bumps it is `thread_changed`. Writers call it inside their transaction, after
their other writes: the version row is then the last row the transaction locks, so two writes
never wait on each other across it (they lock posts first, in their own order). People shown on
the page (names, reputation, badges) need no bump: the page reads them every view (see
web/thread_cache.py).
"""

from __future__ import annotations

from django.db import connection

from quaestio.core.page_generation import pages_changed
from quaestio.live import channels
from quaestio.live.services import publish
from quaestio.posts.models import Post, ThreadVersion

_TABLE = ThreadVersion._meta.db_table
_POSTS = Post._meta.db_table

# One statement for any post of the thread: the question is the post itself or its parent.
# "WHERE" before "ON CONFLICT" also settles SQLite's parsing of INSERT ... SELECT ... ON CONFLICT.
_BUMP = f"""
    INSERT INTO {_TABLE} (question_id, version)
    SELECT COALESCE(parent_id, id), 1 FROM {_POSTS} WHERE id = %s
    ON CONFLICT (question_id) DO UPDATE SET version = {_TABLE}.version + 1
    RETURNING question_id, version
"""


def thread_changed(*post_ids: int | None) -> None:
    """What the threads of these posts (questions or answers) show has changed. Open pages of
    the thread and the question lists hear of it (live/): one event per thread, in the same
    transaction, so a rollback announces nothing. The anonymous pages (lists show the thread's
    counts and activity) change too: the page generation moves as the transaction commits
    (core/page_generation.py)."""
    bumped = {}
    with connection.cursor() as cursor:
        for post_id in dict.fromkeys(p for p in post_ids if p is not None):
            cursor.execute(_BUMP, [post_id])
            row = cursor.fetchone()
            if row is not None:
                bumped[row[0]] = row[1]
    for question_id, version in bumped.items():
        publish(channels.question(question_id), "thread", {"q": question_id, "v": version})
    pages_changed()


def thread_version(question_id: int) -> int:
    """The question's current version (0 before any change), for tests and tools; the page reads
    it in its first query (posts/sql.py)."""
    row = ThreadVersion.objects.filter(question_id=question_id).values_list("version").first()
    return row[0] if row else 0
