"""Reads for the rooms' pages, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from quaestio.chat import policies
from quaestio.chat.models import MessageStar
from quaestio.core import links
from quaestio.moderation.models import DiscussionRoom, RoomMessage
from quaestio.posts.models import Post

RECENT_MESSAGES = 100  # what the room page opens with; older ones are in the transcripts
ROOMS_LISTED = 100


@dataclass
class MessageView:
    message: RoomMessage
    starred: bool = False  # by the viewer
    may_edit: bool = False
    may_star: bool = False


@dataclass
class RoomPage:
    room: DiscussionRoom
    post: Post | None
    post_url: str
    messages: list[MessageView] = field(default_factory=list)
    can_talk: tuple[bool, str] = (False, "")
    first_day: date | None = None


def _post(room: DiscussionRoom) -> Post | None:
    return (
        Post.objects.filter(id=room.post_id)
        .select_related("parent")
        .only("id", "title", "post_type", "deletion_date", "parent__id", "parent__title")
        .first()
    )


def post_title(post: Post | None) -> str:
    if post is None:
        return "a post that is gone"
    return post.title or (post.parent.title if post.parent_id and post.parent else "a post")


def message_views(messages: list[RoomMessage], viewer, now=None) -> list[MessageView]:
    """Messages with what the viewer may do to each (one query for the viewer's stars)."""
    now = now or timezone.now()
    starred: set[int] = set()
    if viewer is not None and viewer.is_authenticated and messages:
        starred = set(
            MessageStar.objects.filter(
                user=viewer, message_id__in=[m.id for m in messages]
            ).values_list("message_id", flat=True)
        )
    talking = policies.can_talk(viewer)[0]
    return [
        MessageView(
            m,
            starred=m.id in starred,
            may_edit=talking and policies.can_edit(viewer, m, now)[0],
            may_star=talking and m.user_id != viewer.id,
        )
        for m in messages
    ]


def room(room_id: int) -> tuple[DiscussionRoom, Post | None] | None:
    found = DiscussionRoom.objects.filter(id=room_id).first()
    return (found, _post(found)) if found else None


def room_page(found: DiscussionRoom, post: Post | None, viewer) -> RoomPage:
    recent = list(
        RoomMessage.objects.filter(room=found)
        .select_related("user")
        .order_by("-creation_date", "-id")[:RECENT_MESSAGES]
    )
    recent.reverse()
    return RoomPage(
        room=found,
        post=post,
        post_url=links.post_url(post) if post else "",
        messages=message_views(recent, viewer),
        can_talk=policies.can_talk(viewer, found),
        first_day=recent[0].creation_date.astimezone(UTC).date() if recent else None,
    )


def messages_after(room_id: int, after_id: int, viewer) -> list[MessageView]:
    rows = list(
        RoomMessage.objects.filter(room_id=room_id, id__gt=after_id)
        .select_related("user")
        .order_by("id")[:RECENT_MESSAGES]
    )
    return message_views(rows, viewer)


def messages_by_id(room_id: int, ids: list[int], viewer) -> list[MessageView]:
    rows = list(
        RoomMessage.objects.filter(room_id=room_id, id__in=ids[:50])
        .select_related("user")
        .order_by("id")
    )
    return message_views(rows, viewer)


def room_list() -> list[DiscussionRoom]:
    """The rooms, most recently active first (the activity index; no count of messages)."""
    return list(DiscussionRoom.objects.order_by("-last_message_date", "-id")[:ROOMS_LISTED])


@dataclass
class TranscriptDay:
    room: DiscussionRoom
    post: Post | None
    post_url: str
    day: date
    messages: list[MessageView]
    previous_day: date | None
    next_day: date | None


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def transcript_day(found: DiscussionRoom, post: Post | None, day: date, viewer) -> TranscriptDay:
    """One UTC day of a room, with the days before and after that have messages."""
    start, end = _day_bounds(day)
    in_room = RoomMessage.objects.filter(room=found)
    rows = list(
        in_room.filter(creation_date__gte=start, creation_date__lt=end)
        .select_related("user")
        .order_by("creation_date", "id")
    )
    before = (
        in_room.filter(creation_date__lt=start)
        .order_by("-creation_date")
        .values_list("creation_date", flat=True)
        .first()
    )
    after = (
        in_room.filter(creation_date__gte=end)
        .order_by("creation_date")
        .values_list("creation_date", flat=True)
        .first()
    )
    return TranscriptDay(
        room=found,
        post=post,
        post_url=links.post_url(post) if post else "",
        day=day,
        messages=message_views(rows, viewer),
        previous_day=before.astimezone(UTC).date() if before else None,
        next_day=after.astimezone(UTC).date() if after else None,
    )
