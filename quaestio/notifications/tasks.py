"""Background entry points of the inbox: write a queued item, mail one, send the digests."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notification(
    user_id: int,
    kind: str,
    actor_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
    summary: str = "",
    url: str = "",
) -> int | None:
    """Write an item queued by `services.notify_later` (its post or comment may be gone)."""
    from quaestio.accounts.models import User
    from quaestio.comments.models import Comment
    from quaestio.notifications.services import notify
    from quaestio.posts.models import Post

    if not User.objects.filter(id=user_id, is_active=True).exists():
        return None
    post = Post.objects.filter(id=post_id).first() if post_id else None
    comment = Comment.objects.filter(id=comment_id).first() if comment_id else None
    if (post_id and post is None) or (comment_id and comment is None):
        return None
    actor = User.objects.filter(id=actor_id).first() if actor_id else None
    return notify(
        user_id, kind, actor=actor, post=post, comment=comment, summary=summary, url=url
    ).id


@task()
def mail_inbox_item(notification_id: int) -> bool:
    from quaestio.notifications.mail import send_inbox_item

    return send_inbox_item(notification_id)


@task()
def send_inbox_digests() -> int:
    from quaestio.notifications.mail import send_inbox_digests as send

    return send()


@task()
def send_watched_tag_digests(frequency: str) -> int:
    from quaestio.notifications.mail import send_watched_tag_digests as send

    return send(frequency)
