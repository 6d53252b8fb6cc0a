"""Writes to the inbox. Called on commit by the services whose actions notify someone."""

from __future__ import annotations

from django.utils import timezone

from quaestio.core import links
from quaestio.live import channels
from quaestio.live.services import publish
from quaestio.notifications.models import Notification
from quaestio.posts.models import PostType


def _url_for(post, comment) -> str:
    if post is None:
        return ""
    anchor = f"#comment-{comment.id}" if comment is not None else ""
    if post.post_type == PostType.QUESTION:
        return links.question_short_url(post.id) + anchor
    return links.answer_url(post.id) + anchor


def notify(
    user_id: int, kind: str, *, actor=None, post=None, comment=None, summary="", url=""
) -> None:
    Notification.objects.create(
        user_id=user_id,
        kind=kind,
        actor=actor,
        post=post,
        comment=comment,
        summary=summary[:200],
        url=url or _url_for(post, comment),
    )
    # The recipient's open pages refresh the inbox count in the top bar.
    publish(channels.user(user_id), "inbox", {"kind": kind})


def inbox_mark_read(user) -> int:
    return Notification.objects.filter(user=user, read_date=None).update(read_date=timezone.now())
