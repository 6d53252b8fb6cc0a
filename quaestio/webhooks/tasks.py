"""Background entry points for webhooks: send deliveries (first attempts and retries)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_webhooks(delivery_ids: list[int]) -> dict[str, int]:
    from quaestio.webhooks.services import deliver

    outcomes: dict[str, int] = {}
    for delivery_id in delivery_ids:
        state = deliver(delivery_id)
        outcomes[state] = outcomes.get(state, 0) + 1
    return outcomes
