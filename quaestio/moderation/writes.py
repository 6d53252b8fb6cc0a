"""What the lock, protection and notice services write alike: the post's row locked first, and
the PostHistory row with its actor as the dump's voters' JSON."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from quaestio.core.errors import NotFound
from quaestio.posts.models import Post, PostHistory
from quaestio.posts.thread_version import thread_changed


def locked_post(post_id: int) -> Post:
    """The post, its row locked for the transaction: writes on one post serialise."""
    post = Post.objects.select_for_update().filter(id=post_id).first()
    if post is None:
        raise NotFound("No post with that id.")
    return post


def state_history(post_id: int, history_type, user, now: datetime, comment: str = "", **extra):
    """A state change's PostHistory row: `{"Voters": [the actor], ...our own keys}`, and the
    post's thread version bumped (posts/thread_version.py)."""
    details = {"Voters": [{"Id": user.id, "DisplayName": user.display_name}], **extra}
    write_history(post_id, history_type, user, comment, details, now)
    # Every lock, unlock, protection and notice ends here, last in its transaction: the boxes
    # the question page shows changed.
    thread_changed(post_id)


def write_history(post_id, history_type, user, comment: str, details: dict, now) -> None:
    """A curation PostHistory row as the dump keeps it: the details as compact JSON in Text."""
    PostHistory.objects.create(
        post_history_type=history_type,
        post_id=post_id,
        revision_guid=str(uuid.uuid4()),
        creation_date=now,
        user=user,
        user_display_name=user.display_name,
        comment=comment,
        text=json.dumps(details, separators=(",", ":")),
    )
