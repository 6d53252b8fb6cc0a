"""Background entry points for badges: after an event, and the daily backfill."""

from __future__ import annotations

from django_tasks import task


@task()
def award_badges_for_users(user_ids: list[int]) -> int:
    from quaestio.badges.services import award_badges

    return sum(award_badges(user_ids).values())


@task()
def award_badges_daily() -> int:
    from quaestio.badges.services import award_badges

    return sum(award_badges(None).values())


def check_badges_for_users(user_ids: list[int]) -> None:
    """Queue the after-event check for the users an event touched (call from on_commit)."""
    ids = sorted({int(uid) for uid in user_ids if uid is not None})
    if ids:
        award_badges_for_users.enqueue(ids)
