"""When to try again: the one backoff schedule for work that reaches outside the site
(webhook deliveries, outgoing mail), so both retry alike and say so alike."""

from __future__ import annotations

from datetime import datetime, timedelta

# Seconds to wait before each retry: 1 min, 5 min, 30 min, 2 h, 12 h; then it has failed.
BACKOFF_SECONDS = (60, 300, 1800, 7200, 43200)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1


def next_attempt(attempts_made: int, now: datetime) -> datetime | None:
    """When to make the next attempt after `attempts_made` failed ones; None: give up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=BACKOFF_SECONDS[attempts_made - 1])


def queue_retry(task, ids: list[int], when: datetime) -> bool:
    """Schedule `task(ids)` at `when` if the task backend can defer; False when it cannot (the
    hourly jobs then pick up what is due)."""
    if not task.get_backend().supports_defer:
        return False
    task.using(run_after=when).enqueue(ids)
    return True
