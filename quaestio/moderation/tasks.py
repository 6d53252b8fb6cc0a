"""Background entry points of the moderation room."""

from __future__ import annotations

from django_tasks import task


@task()
def age_close_votes() -> int:
    """Daily: mark close/reopen votes and close flags aged 14 days after a question's last one
    (§7.2). Reads already ignore them; this keeps the close queue and the tables tidy."""
    from quaestio.moderation.services import close_votes_age

    return close_votes_age()
