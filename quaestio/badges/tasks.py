"""Background entry points for badges."""

from __future__ import annotations


def check_badges_for_users(user_ids: list[int]) -> None:
    """After an event: award whatever the event's users now qualify for."""
    return None
