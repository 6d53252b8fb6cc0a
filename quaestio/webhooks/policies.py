"""Who may manage the site's webhooks: its owner (staff), as they reach outside the site."""

from __future__ import annotations

from quaestio.accounts.policies import site_owner_refusal


def can_manage_webhooks(user) -> str:
    """ "" when allowed, else why not."""
    return site_owner_refusal(user, "manage webhooks")
