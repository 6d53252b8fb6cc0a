"""What the writing services announce after commit, for rooms that react.

Receivers run after the transaction commits, so they see the rows; a receiver that fails
cannot undo the write that announced it.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# post_id, action: "ask" | "answer" | "edit" | "rollback" | "delete" | "undelete"
post_written = Signal()


def announce_post_written(post_id: int, action: str) -> None:
    """Called in the writing transaction, last: the post's thread changed (its version is bumped
    now, in the transaction), and the receivers hear of it after commit."""
    from quaestio.posts.thread_version import thread_changed

    thread_changed(post_id)
    transaction.on_commit(lambda: post_written.send(sender=None, post_id=post_id, action=action))
