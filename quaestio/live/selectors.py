"""Reads of the event log and of the state a live page compares itself with."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from quaestio.live.models import LiveEvent

# A replay longer than this is not sent: the page is told to re-read its state instead.
REPLAY_LIMIT = 1000


@dataclass(frozen=True)
class Event:
    id: int
    channel: str
    kind: str
    data: dict


def head() -> int:
    """The newest event's id (0 for none): where a stream without Last-Event-ID starts."""
    return LiveEvent.objects.aggregate(top=Max("id"))["top"] or 0


def events_after(after_id: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    """The events after `after_id`, oldest first, at most `limit` (one indexed range read)."""
    rows = (
        LiveEvent.objects.filter(id__gt=after_id)
        .order_by("id")
        .values_list("id", "channel", "kind", "data")[:limit]
    )
    return [Event(*row) for row in rows]


def oldest_kept() -> int | None:
    return LiveEvent.objects.order_by("id").values_list("id", flat=True).first()
