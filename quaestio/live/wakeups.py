"""The wake-up hints sent after an event is committed: Redis pub/sub when REDIS_URL is set, and
the in-process channel when this process runs a hub (a single ASGI process serving everything).
PostgreSQL's NOTIFY is sent by services.publish inside the transaction."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

# The hub of this process, if it streams (live/fanout.py registers it).
_local_hub = None


def pg_channel() -> str:
    return "quaestio_live"


def redis_channel() -> str:
    """Per database, so two sites sharing a Redis do not wake each other."""
    return f"quaestio:live:{connection.settings_dict['NAME']}"


def register_local_hub(hub) -> None:
    global _local_hub
    _local_hub = hub


def after_commit(event_id: int) -> None:
    if _local_hub is not None:
        _local_hub.wake_threadsafe()
    if settings.REDIS_URL:
        try:
            _redis().publish(redis_channel(), str(event_id))
        except Exception:  # the streams poll the table anyway; a lost hint only delays
            log.warning("could not publish the live wake-up to Redis", exc_info=True)


_client = None


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client
