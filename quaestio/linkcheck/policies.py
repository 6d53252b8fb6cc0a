"""Who sees the list of posts with dead links: editors (the privilege to edit others' posts
without review) and moderators, the people who can mend them."""

from __future__ import annotations

from quaestio.reputation.privileges import has_privilege


def can_see_dead_links(user) -> tuple[bool, str]:
    if getattr(user, "is_authenticated", False) and getattr(user, "is_moderator", False):
        return True, ""
    allowed, reason = has_privilege(user, "edit_posts")
    if not allowed:
        return False, f"The list of posts with dead links is for editors. {reason}"
    return True, ""
