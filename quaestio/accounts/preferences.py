"""A signed-in reader's display preferences, kept on their account: the colour scheme."""

from __future__ import annotations

from quaestio.core.errors import ValidationFailed

THEMES = ("", "light", "dark")  # "" follows the system's setting


def set_theme(user, theme: str) -> None:
    """Keeps the reader's light or dark choice (or "" for the system's)."""
    if theme not in THEMES:
        raise ValidationFailed("Choose light, dark, or the system's setting.")
    if user.theme != theme:
        user.theme = theme
        user.save(update_fields=["theme"])
