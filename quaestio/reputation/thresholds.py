"""Privilege checks for the voting room until the privileges table lands.

The writing engineer owns `quaestio/reputation/privileges.py` (the whole table of spec §2 with
`has_privilege(user, name) -> (bool, reason)`). When it exists, this module uses it; until
then it answers for the few privileges voting needs from the same spec rows, so policies
never compare reputation with a number themselves.
"""

from __future__ import annotations

from django.conf import settings

try:  # pragma: no cover - depends on which branch is merged
    from quaestio.reputation.privileges import has_privilege, threshold  # noqa: F401
except ImportError:  # pragma: no cover
    # name: (description, beta threshold, full threshold) — spec §2.
    _TABLE = {
        "vote_up": ("Voting up", 15, 15),
        "vote_down": ("Voting down", 125, 125),
        "set_bounties": ("Setting bounties", 75, 75),
        "established_user": ("Seeing vote counts", 750, 1000),
        "moderator_tools": ("Using the moderator tools", 2000, 10000),
    }

    def threshold(name: str) -> int:
        _description, beta, full = _TABLE[name]
        return beta if getattr(settings, "QUAESTIO_PRIVILEGE_SET", "full") == "beta" else full

    def has_privilege(user, name: str) -> tuple[bool, str]:
        description = _TABLE[name][0]
        if user is None or not getattr(user, "is_authenticated", False):
            return False, f"{description} needs an account; log in or sign up."
        if getattr(user, "is_moderator", False):
            return True, ""
        needed = threshold(name)
        if user.reputation >= needed:
            return True, ""
        return False, f"{description} needs {needed:,} reputation; you have {user.reputation:,}."
