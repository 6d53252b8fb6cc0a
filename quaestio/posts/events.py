"""What the writing services announce after commit, for rooms that react (search, badges, rep).

Receivers run after the transaction commits, so they see the rows; a receiver that fails
cannot undo the write that announced it.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# post_id, action: "ask" | "answer" | "edit" | "rollback" | "delete" | "undelete"
post_written = Signal()
# suggestion_id, suggester_id, post_id: the suggester earns +2 when the ledger exists (spec §1)
suggested_edit_approved = Signal()


def announce_post_written(post_id: int, action: str) -> None:
    transaction.on_commit(lambda: post_written.send(sender=None, post_id=post_id, action=action))


def announce_suggested_edit_approved(suggestion_id: int, suggester_id, post_id: int) -> None:
    transaction.on_commit(
        lambda: suggested_edit_approved.send(
            sender=None, suggestion_id=suggestion_id, suggester_id=suggester_id, post_id=post_id
        )
    )
