"""Background entry points for badges: after an event, and the daily backfill."""

from __future__ import annotations

from django_tasks import task


@task()
def award_badges_after(users_by_event: dict[str, list[int]]) -> int:
    """Check the badges each event can earn for the users it involved."""
    from quaestio.badges.services import award_badges

    return sum(
        sum(award_badges(user_ids, events={event}, notify=True).values())
        for event, user_ids in users_by_event.items()
    )


@task()
def award_badges_daily() -> int:
    from quaestio.badges.services import award_badges

    return sum(award_badges(None).values())


def check_badges(**users_by_event: list[int | None]) -> None:
    """Queue the after-event check, e.g. `check_badges(voted=[voter], scored=[owner])`.

    Call from `transaction.on_commit`. Events: scored, voted, accepted, bounty, commented,
    edited, deleted, profile (see badges.definitions).
    """
    cleaned = {
        event: sorted({int(uid) for uid in ids if uid is not None})
        for event, ids in users_by_event.items()
    }
    cleaned = {event: ids for event, ids in cleaned.items() if ids}
    if cleaned:
        award_badges_after.enqueue(cleaned)
