"""What the lock, protection and notice services write alike: the post's row locked first, and
the PostHistory row with its actor as the dump's voters' JSON."""

from __future__ import annotations

from datetime import datetime

from quaestio.core.errors import NotFound
from quaestio.posts.models import Post


def locked_post(post_id: int) -> Post:
    """The post, its row locked for the transaction: writes on one post serialise."""
    post = Post.objects.select_for_update().filter(id=post_id).first()
    if post is None:
        raise NotFound("No post with that id.")
    return post


def state_history(post_id: int, history_type, user, now: datetime, comment: str = "", **extra):
    """A state change's PostHistory row: `{"Voters": [the actor], ...our own keys}`."""
    from quaestio.moderation.services import _history

    details = {"Voters": [{"Id": user.id, "DisplayName": user.display_name}], **extra}
    _history(post_id, history_type, user, comment, details, now)
