"""E-mail for the inbox (one item at once, or a daily digest) and for watched tags (a daily or
weekly digest of new questions), through Django's mail framework.

Every message carries `List-Unsubscribe` with a signed one-click link (RFC 8058) that turns
its stream off without a log-in. A digest first claims what it covers (clears the items'
`mail_pending`, moves the watched-tags mark) in a transaction, then sends: a retried or
concurrent job never mails the same item twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.core import links
from quaestio.notifications import selectors
from quaestio.notifications.models import MailPreference, Notification
from quaestio.tags.selectors import watched_tag_names

STREAMS = ("inbox", "watched_tags")
_SALT = "quaestio.notifications.unsubscribe"
DIGEST_ITEMS_SHOWN = 50
DIGEST_QUESTIONS_SHOWN = 30


def unsubscribe_token(user_id: int, stream: str) -> str:
    return signing.dumps({"u": user_id, "s": stream}, salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, stream) from a link this site signed; None for anything else."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") not in STREAMS:
        return None
    if not isinstance(data.get("u"), int):
        return None
    return data["u"], data["s"]


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user_id: int, stream: str) -> str:
    return _site(links.page_url("mail_unsubscribe", unsubscribe_token(user_id, stream)))


def _message(user: User, subject: str, body: str, stream: str) -> EmailMessage:
    link = unsubscribe_url(user.id, stream)
    footer = (
        f"\n\n--\nYou receive this because of your e-mail settings on {settings.SITE_NAME}:\n"
        f"{_site(links.page_url('mail_preferences'))}\n"
        f"Stop these e-mails with one click: {link}\n"
    )
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=body + footer,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _item_lines(item: Notification) -> str:
    who = f"{item.actor.display_name}: " if item.actor_id and item.actor else ""
    link = _site(item.url) if item.url.startswith("/") else item.url
    return f"* {item.get_kind_display()} - {who}{item.summary}\n  {link}".rstrip()


def send_inbox_item(notification_id: int) -> bool:
    """The at-once e-mail of one item, if its owner still wants them and has an address."""
    item = Notification.objects.filter(id=notification_id).select_related("user", "actor").first()
    if item is None or not item.user.email or not item.user.is_active:
        return False
    from quaestio.notifications.services import inbox_mail_choice

    if inbox_mail_choice(item.user_id) != MailPreference.INBOX_IMMEDIATE:
        return False
    body = f"New in your inbox on {settings.SITE_NAME}:\n\n{_item_lines(item)}"
    _message(item.user, f"{item.get_kind_display()}: {item.summary[:80]}", body, "inbox").send()
    return True


def _claim_pending(user_id: int) -> list[Notification]:
    """Take the user's waiting items off the digest queue; return the still unread ones."""
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(user_id=user_id, mail_pending=True).values_list(
                "id", flat=True
            )
        )
        claimed = Notification.objects.filter(id__in=ids, mail_pending=True)
        if not claimed.update(mail_pending=False):
            return []
    return list(
        Notification.objects.filter(id__in=ids, read_date=None)
        .select_related("actor")
        .order_by("-creation_date")
    )


def send_inbox_digests() -> int:
    """One e-mail per user with items waiting and unread; returns how many were sent."""
    user_ids = (
        Notification.objects.filter(mail_pending=True)
        .values_list("user_id", flat=True)
        .order_by("user_id")
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        items = _claim_pending(user_id)
        user = User.objects.filter(id=user_id, is_active=True).first()
        if not items or user is None or not user.email:
            continue
        shown = items[:DIGEST_ITEMS_SHOWN]
        more = len(items) - len(shown)
        body = (
            f"{len(items)} unread in your inbox on {settings.SITE_NAME}:\n\n"
            + "\n".join(_item_lines(item) for item in shown)
            + (f"\n\n... and {more} more: {_site(links.page_url('inbox'))}" if more else "")
        )
        _message(user, f"Your inbox: {len(items)} unread", body, "inbox").send()
        sent += 1
    return sent


def _claim_watermark(preference: MailPreference, now) -> bool:
    """Move the user's mark to now, if no other run moved it first."""
    return bool(
        MailPreference.objects.filter(
            id=preference.id, watched_tags_mailed_through=preference.watched_tags_mailed_through
        ).update(watched_tags_mailed_through=now)
    )


def _question_lines(question) -> str:
    author = question.owner.display_name if question.owner else question.owner_display_name
    url = _site(links.question_url(question.id, question.title))
    licence = f", {question.content_license}" if question.content_license else ""
    return (
        f"* {question.title}\n  [{', '.join(question.tag_names)}] asked by {author}{licence}\n"
        f"  {url}"
    )


def send_watched_tag_digests(frequency: str, now=None) -> int:
    """The digest of questions asked in each subscriber's watched tags since their last one."""
    now = now or timezone.now()
    preferences = MailPreference.objects.filter(watched_tags=frequency).select_related("user")
    sent = 0
    for preference in preferences.iterator():
        user = preference.user
        since = preference.watched_tags_mailed_through
        if not _claim_watermark(preference, now) or since is None:
            continue  # another run took it, or the first run only sets the starting point
        if not user.email or not user.is_active:
            continue
        tag_names = watched_tag_names(user.id)
        questions = selectors.questions_in_tags(tag_names, since, now, DIGEST_QUESTIONS_SHOWN)
        if not questions:
            continue
        period = "today" if frequency == MailPreference.TAGS_DAILY else "this week"
        body = (
            f"New questions {period} in your watched tags ({', '.join(tag_names)}):\n\n"
            + "\n\n".join(_question_lines(q) for q in questions)
            + "\n\nContent imported from Stack Exchange is by its named authors, licensed "
            "under CC BY-SA (https://creativecommons.org/licenses/by-sa/4.0/)."
        )
        _message(user, f"New questions in your watched tags {period}", body, "watched_tags").send()
        sent += 1
    return sent
