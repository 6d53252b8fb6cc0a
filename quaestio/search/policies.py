"""Who may see what in search results."""

from __future__ import annotations

from django.conf import settings

# Spec §7.6: deleted posts are visible to users with access to moderator tools (10k; 2k on a
# beta site). When the reputation room's privileges table lands, read the threshold from it.
MODERATOR_TOOLS = {"full": 10_000, "beta": 2_000}


def can_see_deleted_posts(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_moderator or user.is_staff:
        return True
    threshold = MODERATOR_TOOLS.get(settings.QUAESTIO_PRIVILEGE_SET, MODERATOR_TOOLS["full"])
    return user.reputation >= threshold
