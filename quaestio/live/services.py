"""`publish`: the one write of the live machinery, called inside the transaction of the change.

The row is the durable part (a reconnecting stream replays from it); the wake-up is only a hint
that rows are waiting, sent by whichever fan-out the deployment has (live/fanout.py):
PostgreSQL's NOTIFY (transactional: delivered at commit, never for a rollback), Redis pub/sub
after commit when REDIS_URL is set, and the in-process channel of a streaming process that
writes itself. Without any, the streaming process polls the table (SQLite across processes).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from quaestio.live import wakeups
from quaestio.live.models import LiveEvent

# How long events are kept for reconnecting streams. A browser away longer re-reads the state
# of its page on reconnect (live.js), so nothing it shows is lost, only the replay is skipped.
RETENTION = timedelta(minutes=15)
# Every this many events one publisher deletes the expired ones (an indexed range delete).
PRUNE_EVERY = 200


def publish(channel: str, kind: str, data: dict | None = None) -> int:
    """Record an event for the streams of `channel`; its id, which is its stream event id."""
    event = LiveEvent.objects.create(channel=channel, kind=kind, data=data or {})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [wakeups.pg_channel(), str(event.id)])
    transaction.on_commit(lambda: wakeups.after_commit(event.id))
    if event.id % PRUNE_EVERY == 0:
        prune()
    return event.id


def prune(now=None) -> int:
    """Delete the events older than the retention; how many went."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = LiveEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
