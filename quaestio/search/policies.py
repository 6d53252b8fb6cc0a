"""Who may see what in search results."""

from __future__ import annotations

from quaestio.reputation.privileges import has_privilege


def can_see_deleted_posts(user) -> bool:
    """Spec §7.6: deleted posts are visible to users with access to the moderator tools."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    allowed, _reason = has_privilege(user, "moderator_tools")
    return allowed
