"""The moderators' audit log: one row per moderator action, in the action's own transaction."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from quaestio.moderation.models import ModeratorAction


def record_moderator_action(
    moderator,
    action: str,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    target_user_id: int | None = None,
    details: str = "",
    at: datetime | None = None,
) -> ModeratorAction:
    """Log `action` by `moderator`; call it inside the transaction that performs the action,
    so the log and the action commit or roll back together."""
    return ModeratorAction.objects.create(
        moderator=moderator,
        moderator_name=moderator.display_name,
        action=action[:40],
        post_id=post_id,
        comment_id=comment_id,
        target_user_id=target_user_id,
        details=details,
        creation_date=at or timezone.now(),
    )
