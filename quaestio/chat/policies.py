"""Who may do what in a room. Each `can_*` returns (allowed, reason)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from quaestio.accounts.policies import writer_refusal
from quaestio.reputation.privileges import has_privilege

# Stack Exchange chat: a message may be edited by its author for two minutes.
EDIT_WINDOW = timedelta(minutes=2)


def can_talk(user, room=None) -> tuple[bool, str]:
    """Signed in, not suspended, and 20 reputation (the privileges table's talk_in_chat)."""
    refusal = writer_refusal(user)
    if refusal:
        return False, refusal
    return has_privilege(user, "talk_in_chat")


def can_edit(user, message, now: datetime | None = None) -> tuple[bool, str]:
    allowed, reason = can_talk(user)
    if not allowed:
        return False, reason
    if message.user_id != user.id or message.comment_id is not None:
        return False, "You can edit only your own messages."
    if (now or timezone.now()) - message.creation_date > EDIT_WINDOW:
        return False, "Messages can be edited only for 2 minutes after they are posted."
    return True, ""


def can_star(user, message) -> tuple[bool, str]:
    allowed, reason = can_talk(user)
    if not allowed:
        return False, reason
    if message.user_id == user.id:
        return False, "You cannot star your own message."
    return True, ""
