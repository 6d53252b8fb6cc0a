"""Background entry points of the moderation room."""

from __future__ import annotations

from django_tasks import task


@task()
def age_close_votes() -> int:
    """Daily: mark close/reopen votes and close flags aged 14 days after a question's last one
    (§7.2). Reads already ignore them; this keeps the close queue and the tables tidy."""
    from quaestio.moderation.services import close_votes_age

    return close_votes_age()


@task()
def expire_locks() -> int:
    """Daily (or hourly): lift locks whose time ran out (§7.5). Reads already ignore them;
    this clears the post's locked_date and writes Community's unlock row."""
    from quaestio.moderation.locks import locks_expire

    return locks_expire()


@task()
def auto_protect() -> int:
    """Hourly: Community protects questions drawing new users' deleted or non-positive
    answers (§7.4)."""
    from quaestio.moderation.protection import auto_protect_sweep

    return auto_protect_sweep()
