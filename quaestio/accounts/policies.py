"""Account-level decisions every write shares: is the account suspended (or deactivated)?

Every write policy of the site (posts, comments, votes, flags, curation, moderation) asks
`suspension_refusal` first, so a suspended user cannot write anything, whatever the form or
the forged request. A suspension is the `suspended_until` date on the user's row: it ends by
itself when that date passes, without a job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from quaestio.core.formatting import day_date

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")
SUSPENDED_REPUTATION = 1  # what others see of a suspended user's reputation (as on SE)


@dataclass(frozen=True)
class SuspensionState:
    until: datetime
    reason: str


def suspension_state(user, now: datetime | None = None) -> SuspensionState | None:
    """The suspension in force on this user (any row with the two fields), or None."""
    until = getattr(user, "suspended_until", None)
    if until is None or until <= (now or timezone.now()):
        return None
    return SuspensionState(until, getattr(user, "suspension_reason", "") or "")


def suspension_refusal(user, now: datetime | None = None) -> str:
    """Why this signed-in user may not write anything now, or "" when they may."""
    if not getattr(user, "is_active", True):
        return "This account is deactivated."
    state = suspension_state(user, now)
    if state is None:
        return ""
    return (
        f"Your account is suspended until {suspension_end_text(state.until)}; "
        "until then you cannot post, comment, vote, edit or flag."
    )


def suspension_end_text(until: datetime) -> str:
    """`Dec 13, 2026 at 17:00 UTC`: the end of a suspension, in notices and refusals."""
    until = until.astimezone(UTC)
    return f"{day_date(until.date())} at {until.hour:02d}:{until.minute:02d} UTC"


def writer_refusal(user, now: datetime | None = None) -> str:
    """Signed in and not suspended: the gate in front of every write policy."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "You need to log in to do that."
    return suspension_refusal(user, now)


def displayed_reputation(user, now: datetime | None = None) -> int:
    """The reputation pages show: 1 while suspended. Display only: the ledger keeps the real
    sum, and it shows again when the suspension ends."""
    if suspension_state(user, now) is not None:
        return SUSPENDED_REPUTATION
    return user.reputation


def site_owner_refusal(user, doing: str) -> str:
    """The site owner's settings (staff accounts): `doing` completes "Only the site's owner …"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return f"Log in as the site's owner to {doing}."
    if not user.is_staff:
        return f"Only the site's owner may {doing}."
    return ""


def moderator_refusal(user, doing: str) -> str:
    """Moderator-only tools: `doing` completes "Only moderators …"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return f"You need to log in as a moderator to {doing}."
    if refusal := suspension_refusal(user):
        return refusal
    if not user.is_moderator:
        return f"Only moderators {doing}."
    return ""


def may_edit_profile(viewer, user_id: int) -> bool:
    """A profile is edited by its own user alone."""
    return bool(getattr(viewer, "is_authenticated", False)) and viewer.id == user_id


def may_see_suspension_reason(viewer, user_id: int) -> bool:
    """Others see that an account is suspended and until when; the reason is for its user and
    moderators."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    return viewer.id == user_id or bool(viewer.is_moderator)


def may_moderate(viewer) -> bool:
    """The moderators' pages and tools (not while suspended: see moderator_refusal)."""
    return not moderator_refusal(viewer, "moderate")


def may_see_votes_cast(viewer, user_id: int) -> bool:
    """The votes a person cast are private: the Votes tab is for its user alone (as on SE)."""
    return bool(getattr(viewer, "is_authenticated", False)) and viewer.id == user_id


def display_name_change_refusal(user, new_name: str, now: datetime | None = None) -> str:
    """Why this user may not take `new_name` now, or "": one change per
    QUAESTIO_DISPLAY_NAME_CHANGE_DAYS days (Stack Exchange: 30). Keeping the name is no change."""
    from django.conf import settings

    if new_name == user.display_name or user.display_name_changed_at is None:
        return ""
    days = settings.QUAESTIO_DISPLAY_NAME_CHANGE_DAYS
    next_change = user.display_name_changed_at + timedelta(days=days)
    if next_change <= (now or timezone.now()):
        return ""
    return (
        f"Display names may only be changed once every {days} days; you can change yours "
        f"again on {suspension_end_text(next_change)}."
    )


def account_deletion_refusal(user) -> str:
    """Who may delete their own account: anyone but the Community user and moderators (a
    moderator steps down first, as on Stack Exchange)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "You need to log in to delete your account."
    if user.is_community:
        return "The Community user cannot be deleted."
    if user.is_moderator or user.is_staff:
        return (
            "Moderators cannot delete their account; ask to have the moderator role removed first."
        )
    return ""
