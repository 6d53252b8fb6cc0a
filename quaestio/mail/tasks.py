"""Background entry point for mail: send outbox rows (first attempts and retries)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_mail_rows(row_ids: list[int]) -> dict[str, int]:
    from quaestio.mail.services import send_row

    outcomes: dict[str, int] = {}
    for row_id in row_ids:
        state = send_row(row_id)
        outcomes[state] = outcomes.get(state, 0) + 1
    return outcomes
