"""Reactions to what the writing room announces (quaestio.posts.events, sent on commit).

Deleting a post removes its vote reputation; undeleting restores it; an approved suggested
edit pays +2; edits and deletions can earn badges. Connected in ReputationConfig.ready() when
the writing room's events module is present.
"""

from __future__ import annotations

from django.db import transaction

from quaestio.posts.models import Post


def on_post_written(sender=None, *, post_id: int, action: str, **kwargs) -> None:
    from quaestio.badges.tasks import check_badges
    from quaestio.reputation.services import post_deleted, post_undeleted

    post = Post.objects.filter(id=post_id).first()
    if post is None:
        return
    if action in ("delete", "undelete"):
        with transaction.atomic():
            Post.objects.select_for_update().filter(id=post.id).first()
            (post_deleted if action == "delete" else post_undeleted)(post)
        if action == "delete":
            check_badges(deleted=[post.owner_id])
    elif action in ("edit", "rollback"):
        check_badges(edited=[post.last_editor_id])


def on_suggested_edit_approved(
    sender=None, *, suggestion_id: int, suggester_id: int | None, post_id: int, **kwargs
) -> None:
    from quaestio.badges.tasks import check_badges
    from quaestio.reputation.services import suggested_edit_approved

    if suggester_id is None:
        return
    with transaction.atomic():
        suggested_edit_approved(suggester_id, post_id, edit_id=suggestion_id)
    check_badges(edited=[suggester_id], scored=[suggester_id])


def connect() -> None:
    from quaestio.posts import events

    events.post_written.connect(on_post_written, dispatch_uid="reputation.post_written")
    events.suggested_edit_approved.connect(
        on_suggested_edit_approved, dispatch_uid="reputation.suggested_edit_approved"
    )
