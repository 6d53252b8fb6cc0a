"""Who may manage the site's webhooks: its owner (staff), as they reach outside the site."""

from __future__ import annotations


def can_manage_webhooks(user) -> str:
    """ "" when allowed, else why not."""
    if not getattr(user, "is_authenticated", False):
        return "Log in as the site's owner to manage webhooks."
    if not user.is_staff:
        return "Only the site's owner manages webhooks."
    return ""
