"""Rate limits on the tag writes (watching, synonyms, wiki edits), counted where every web
process sees them (core.shared_cache: the database, or Redis when configured)."""

from __future__ import annotations

from django.conf import settings

from quaestio.core.errors import RateLimited
from quaestio.core.shared_cache import count_in_windows

PER_MINUTE = {"preference": 60, "synonym": 20, "wiki": 10}


def throttle(user, action: str) -> None:
    limit = int(getattr(settings, "QUAESTIO_TAG_ACTIONS_PER_MINUTE", 0)) or PER_MINUTE[action]
    key = f"tag-{action}:u{user.id}"
    if count_in_windows((key, 60))[key] > limit:
        raise RateLimited("You are doing that too often; wait a minute and try again.", 60)
