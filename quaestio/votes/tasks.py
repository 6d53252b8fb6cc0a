"""Background entry points of the votes room: the daily jobs, schedulable one by one."""

from __future__ import annotations

from django_tasks import task


@task()
def close_expired_bounties() -> dict[str, int]:
    """Hourly or daily: close bounties past their grace period, auto-awarding half (§5.8)."""
    from quaestio.votes.services import bounties_close_expired

    return bounties_close_expired()


@task()
def reverse_serial_voting() -> int:
    """Daily, after 00:00 UTC: reverse yesterday's serial voting (§1.4)."""
    from quaestio.votes.services.serial import reverse_serial_voting as run

    return run()
