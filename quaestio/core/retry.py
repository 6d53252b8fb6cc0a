"""When to try again: the one backoff schedule for work that reaches outside the site
(webhook deliveries, outgoing mail), so both retry alike and say so alike."""

from __future__ import annotations

from collections.abc import Callable
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


DUE_BATCH = 200


def attempt_due(pending, attempt: Callable[[int, datetime], object], now: datetime) -> int:
    """Make one attempt at each row of `pending` (a queryset of rows still to send) whose
    next_attempt_date has come, oldest first, at most DUE_BATCH; returns how many. The hourly
    catch-all for task backends that cannot schedule a retry themselves."""
    due = list(
        pending.filter(next_attempt_date__lte=now)
        .order_by("next_attempt_date")
        .values_list("id", flat=True)[:DUE_BATCH]
    )
    for row_id in due:
        attempt(row_id, now)
    return len(due)
