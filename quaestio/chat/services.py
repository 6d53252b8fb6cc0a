"""Every write to a room: say, edit, star. Each publishes a live event for the room's open
pages in its transaction; @mentions reach their people's inboxes on commit."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quaestio.accounts import limits
from quaestio.chat import policies
from quaestio.chat.mentions import mentioned_users
from quaestio.chat.models import MessageStar
from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.core.markdown import render_comment_markup
from quaestio.live import channels
from quaestio.live.services import publish
from quaestio.moderation.models import DiscussionRoom, RoomMessage

MESSAGE_MAX = 500
MESSAGE_INTERVAL_SECONDS = 1  # one message a second per person, as chat allows
_REPLY = re.compile(r"^:(\d{1,18})\s+")


def _clean(text: str) -> tuple[str, int | None]:
    """The message's text (one line, length-checked) and the id of the message it replies to."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationFailed("Write a message first.", {"text": ["empty"]})
    if len(text) > MESSAGE_MAX:
        raise ValidationFailed(
            f"Messages cannot be longer than {MESSAGE_MAX} characters; you entered {len(text)}.",
            {"text": ["too long"]},
        )
    reply = _REPLY.match(text)
    return text, int(reply.group(1)) if reply else None


def render_message(text: str) -> str:
    """Markdown-lite (bold, italic, code, links), sanitised: the comments' renderer."""
    return render_comment_markup(_REPLY.sub("", text))


def message_url(message: RoomMessage) -> str:
    return links.page_url("room", message.room_id) + f"#message-{message.id}"


def message_post(user, room_id: int, text: str, now: datetime | None = None) -> RoomMessage:
    room = DiscussionRoom.objects.filter(id=room_id).first()
    if room is None:
        raise NotFound("No room with that id.")
    allowed, reason = policies.can_talk(user, room)
    if not allowed:
        raise PermissionDenied(reason)
    text, reply_to = _clean(text)
    if reply_to is not None and not RoomMessage.objects.filter(id=reply_to, room=room).exists():
        reply_to = None  # ":123" naming no message of this room is just text
    if not user.is_moderator and not limits.claim_interval(
        "chat", user.id, MESSAGE_INTERVAL_SECONDS
    ):
        raise RateLimited("You are talking too fast; wait a second.", MESSAGE_INTERVAL_SECONDS)
    now = now or timezone.now()
    with transaction.atomic():
        message = RoomMessage.objects.create(
            room=room,
            user=user,
            user_display_name=user.display_name,
            text=text,
            text_html=render_message(text),
            creation_date=now,
            reply_to_id=reply_to,
        )
        DiscussionRoom.objects.filter(id=room.id).update(
            message_count=F("message_count") + 1, last_message_date=now
        )
        publish(channels.room(room.id), "message", {"room": room.id, "id": message.id})
        pinged = mentioned_users(text, room, user.id, reply_to)
        transaction.on_commit(lambda: _notify(message, room, user, pinged))
    return message


def _notify(message: RoomMessage, room: DiscussionRoom, author, user_ids: list[int]) -> None:
    from quaestio.notifications.models import Notification
    from quaestio.notifications.services import notify

    summary = f"in {room.name}: {message.text}"
    for user_id in user_ids:
        notify(
            user_id, Notification.MENTION, actor=author, summary=summary, url=message_url(message)
        )


def message_edit(user, message_id: int, text: str, now: datetime | None = None) -> RoomMessage:
    with transaction.atomic():
        message = RoomMessage.objects.select_for_update().filter(id=message_id).first()
        if message is None:
            raise NotFound("No message with that id.")
        allowed, reason = policies.can_edit(user, message, now)
        if not allowed:
            raise PermissionDenied(reason)
        text, reply_to = _clean(text)
        message.text, message.text_html = text, render_message(text)
        message.edited_date = now or timezone.now()
        message.save(update_fields=["text", "text_html", "edited_date"])
        publish(
            channels.room(message.room_id),
            "message-edited",
            {"room": message.room_id, "id": message.id},
        )
    return message


def message_star(user, message_id: int, starred: bool) -> RoomMessage:
    """Star or unstar (an intent, so a repeated request changes nothing)."""
    with transaction.atomic():
        message = RoomMessage.objects.select_for_update().filter(id=message_id).first()
        if message is None:
            raise NotFound("No message with that id.")
        allowed, reason = policies.can_star(user, message)
        if not allowed:
            raise PermissionDenied(reason)
        stars = MessageStar.objects.filter(message=message, user=user)
        if starred and not stars.exists():
            MessageStar.objects.create(message=message, user=user)
            change = 1
        elif not starred and stars.exists():
            stars.delete()
            change = -1
        else:
            return message
        RoomMessage.objects.filter(id=message.id).update(star_count=F("star_count") + change)
        message.star_count += change
        publish(
            channels.room(message.room_id),
            "star",
            {"room": message.room_id, "id": message.id, "stars": message.star_count},
        )
    return message
