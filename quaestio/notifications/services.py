"""Writes to the inbox and to the top bar's counters.

Services whose actions tell someone call `notify_later` inside their transaction: the item is
written by a queued task once the action commits (nothing is announced for a rolled-back
write). `notify` writes the row and the owner's unread counter in one transaction, and hands
the e-mail to the owner's choice (at once, the daily digest, or none).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.core import links
from quaestio.core.errors import NotFound
from quaestio.live import channels
from quaestio.live.services import publish
from quaestio.notifications import achievements
from quaestio.notifications.models import MailPreference, Notification
from quaestio.posts.models import PostType

# Moderator messages are e-mailed by their own service, whatever the inbox choice.
MAILED_ELSEWHERE = {Notification.MODERATOR_MESSAGE}


def _url_for(post, comment) -> str:
    if post is None:
        return ""
    anchor = f"#comment-{comment.id}" if comment is not None else ""
    if post.post_type == PostType.QUESTION:
        return links.question_short_url(post.id) + anchor
    return links.answer_url(post.id) + anchor


def inbox_mail_choice(user_id: int) -> str:
    choice = MailPreference.objects.filter(user_id=user_id).values_list("inbox", flat=True).first()
    return choice or MailPreference.DEFAULT_INBOX


def notify(
    user_id: int, kind: str, *, actor=None, post=None, comment=None, summary="", url=""
) -> Notification:
    """Put one item in a user's inbox, with its unread counter, in one transaction."""
    mail = "off" if kind in MAILED_ELSEWHERE else inbox_mail_choice(user_id)
    with transaction.atomic():
        item = Notification.objects.create(
            user_id=user_id,
            kind=kind,
            actor=actor,
            post=post,
            comment=comment,
            summary=summary[:200],
            url=url or _url_for(post, comment),
            mail_pending=mail == MailPreference.INBOX_DAILY,
        )
        User.objects.filter(id=user_id).update(inbox_unread=F("inbox_unread") + 1)
        # The recipient's open pages refresh the inbox count in the top bar.
        publish(channels.user(user_id), "inbox", {"kind": kind})
        if mail == MailPreference.INBOX_IMMEDIATE:
            from quaestio.notifications.tasks import mail_inbox_item

            transaction.on_commit(lambda: mail_inbox_item.enqueue(item.id))
    return item


def notify_later(
    user_id: int | None,
    kind: str,
    *,
    actor_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
    summary: str = "",
    url: str = "",
) -> None:
    """Queue an inbox item for when the caller's transaction commits (not for oneself)."""
    if user_id is None or user_id == actor_id:
        return
    from quaestio.notifications.tasks import deliver_notification

    arguments = {
        "user_id": user_id,
        "kind": kind,
        "actor_id": actor_id,
        "post_id": post_id,
        "comment_id": comment_id,
        "summary": summary[:200],
        "url": url,
    }
    transaction.on_commit(lambda: deliver_notification.enqueue(**arguments))


def _mark_read(user, items) -> int:
    with transaction.atomic():
        changed = items.filter(user_id=user.id, read_date=None).update(read_date=timezone.now())
        if changed:
            User.objects.filter(id=user.id).update(
                inbox_unread=Greatest(F("inbox_unread") - changed, 0)
            )
    user.inbox_unread = max(user.inbox_unread - changed, 0)
    return changed


def inbox_mark_read(user) -> int:
    """Every unread item of the user's is read now; returns how many were unread."""
    return _mark_read(user, Notification.objects.all())


def inbox_item_mark_read(user, item_id: int) -> int:
    """One of the user's items is read (again is fine); someone else's is not found."""
    items = Notification.objects.filter(id=item_id, user_id=user.id)
    if not items.exists():
        raise NotFound("No inbox item with that id.")
    return _mark_read(user, items)


def achievements_mark_seen(user) -> None:
    """The user opened the achievements list (notifications.achievements has the rule)."""
    achievements.mark_seen(user)


def mail_preferences_set(user, *, inbox: str, watched_tags: str) -> MailPreference:
    from quaestio.core.errors import ValidationFailed

    fields = {}
    if inbox not in dict(MailPreference.INBOX_CHOICES):
        fields["inbox"] = ["Choose one of the inbox e-mail options."]
    if watched_tags not in dict(MailPreference.TAGS_CHOICES):
        fields["watched_tags"] = ["Choose one of the watched-tags e-mail options."]
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields)
    now = timezone.now()
    with transaction.atomic():
        preference, _ = MailPreference.objects.select_for_update().get_or_create(user=user)
        if watched_tags != MailPreference.TAGS_OFF and (
            preference.watched_tags == MailPreference.TAGS_OFF
            or preference.watched_tags_mailed_through is None
        ):
            # A digest starts with what is asked from now on, not the whole archive.
            preference.watched_tags_mailed_through = now
        preference.inbox, preference.watched_tags, preference.updated = inbox, watched_tags, now
        preference.save()
        if inbox != MailPreference.INBOX_DAILY:
            Notification.objects.filter(user=user, mail_pending=True).update(mail_pending=False)
    return preference


def mail_unsubscribe(user_id: int, stream: str) -> bool:
    """Turn one stream ("inbox" or "watched_tags") off for a user; False if no such user."""
    if not User.objects.filter(id=user_id).exists():
        return False
    with transaction.atomic():
        preference, _ = MailPreference.objects.select_for_update().get_or_create(user_id=user_id)
        setattr(preference, stream, "off")
        preference.updated = timezone.now()
        preference.save()
        if stream == "inbox":
            Notification.objects.filter(user_id=user_id, mail_pending=True).update(
                mail_pending=False
            )
    return True
