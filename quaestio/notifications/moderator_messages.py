"""Moderator messages: a private message to a user, in their inbox and by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from quaestio.accounts.models import User
from quaestio.accounts.policies import moderator_refusal
from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.notifications.models import ModeratorMessage, Notification
from quaestio.notifications.services import notify

SUBJECT_MAX = 150
TEXT_MIN, TEXT_MAX = 10, 5000


def _clean(subject: str, text: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    text = (text or "").replace("\r\n", "\n").strip()
    fields = {}
    if not 1 <= len(subject) <= SUBJECT_MAX:
        fields["subject"] = [f"Give the message a subject of 1 to {SUBJECT_MAX} characters."]
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        fields["text"] = [f"The message must be {TEXT_MIN} to {TEXT_MAX} characters."]
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields)
    return subject, text


def moderator_message_send(
    moderator, user_id: int, subject: str, text: str, site_root: str = ""
) -> ModeratorMessage:
    """Write the message, put it in the user's inbox and e-mail it (when the account has an
    address) once the transaction commits; the audit log records it."""
    from quaestio.moderation.audit import record_moderator_action

    if refusal := moderator_refusal(moderator, "send moderator messages"):
        raise PermissionDenied(refusal)
    subject, text = _clean(subject, text)
    with transaction.atomic():
        user = User.objects.filter(id=user_id).first()
        if user is None:
            raise NotFound("No user with that id.")
        message = ModeratorMessage.objects.create(
            user=user,
            moderator=moderator,
            moderator_name=moderator.display_name,
            subject=subject,
            text=text,
        )
        url = links.page_url("moderator_message", message.id)
        notify(user.id, Notification.MODERATOR_MESSAGE, actor=moderator, summary=subject, url=url)
        record_moderator_action(moderator, "message", target_user_id=user.id, details=subject)
        if user.email:
            transaction.on_commit(lambda: _mail(user.email, message, site_root + url))
    return message


def _mail(address: str, message: ModeratorMessage, link: str) -> None:
    send_mail(
        f"[{settings.SITE_NAME}] A message from a moderator: {message.subject}",
        f"A moderator of {settings.SITE_NAME} sent you this message:\n\n{message.text}\n\n"
        f"It is also in your inbox on the site:\n{link}\n",
        None,
        [address],
    )


def moderator_message_for(viewer, message_id: int) -> ModeratorMessage:
    """The message, for its recipient or a moderator; anyone else is told it does not exist."""
    message = ModeratorMessage.objects.filter(id=message_id).select_related("user").first()
    if (
        message is None
        or viewer is None
        or not viewer.is_authenticated
        or (message.user_id != viewer.id and not viewer.is_moderator)
    ):
        raise NotFound("No message with that id.")
    return message
