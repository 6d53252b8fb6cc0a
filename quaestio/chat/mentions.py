"""Who a room message pings: an @name (three characters at least, spaces ignored, case
ignored) of someone who has talked in the room or owns its post, and the author of the message
replied to. As in Stack Exchange chat, everyone named is pinged, not only the first."""

from __future__ import annotations

from quaestio.accounts.models import User
from quaestio.moderation.models import RoomMessage
from quaestio.notifications.mentions import mentioned_names
from quaestio.posts.models import Post

RECENT_SPEAKERS = 500  # messages looked back at for the people in the room


def _squash(name: str) -> str:
    return "".join(name.split()).lower()


def mentioned_users(text: str, room, author_id: int, reply_to: int | None) -> list[int]:
    names = [_squash(n) for n in mentioned_names(text)]
    found: set[int] = set()
    if names:
        speakers = set(
            RoomMessage.objects.filter(room=room, user__isnull=False)
            .order_by("-id")
            .values_list("user_id", flat=True)[:RECENT_SPEAKERS]
        )
        owner = Post.objects.filter(id=room.post_id).values_list("owner_id", flat=True).first()
        speakers.discard(None)
        if owner:
            speakers.add(owner)
        for user_id, display_name in User.objects.filter(id__in=speakers).values_list(
            "id", "display_name"
        ):
            squashed = _squash(display_name)
            if any(squashed.startswith(name) for name in names):
                found.add(user_id)
    if reply_to is not None:
        replied = RoomMessage.objects.filter(id=reply_to).values_list("user_id", flat=True).first()
        if replied:
            found.add(replied)
    found.discard(author_id)
    return sorted(found)
