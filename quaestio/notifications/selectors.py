"""Reads of the inbox, the achievements list and the top bar's counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from quaestio.badges.models import Badge
from quaestio.core import links
from quaestio.notifications import achievements
from quaestio.notifications.models import Notification
from quaestio.posts.models import Post, PostType
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.services import utc_day_bounds

INBOX_SHOWN = 50
ACHIEVEMENTS_SHOWN = 100


def top_bar_counts(user) -> dict[str, int]:
    """The top bar's numbers, from the user row (counters kept by the services): no query."""
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0, "achievements_unseen": 0, "reputation": 0}
    return {
        "inbox_unread": max(user.inbox_unread, 0),
        "achievements_unseen": achievements.marker(user),
        "reputation": user.reputation,
    }


def inbox_items(user, limit: int = INBOX_SHOWN) -> list[Notification]:
    return list(
        Notification.objects.filter(user=user)
        .select_related("actor")
        .order_by("-creation_date", "-id")[:limit]
    )


@dataclass
class Achievement:
    when: datetime
    kind: str  # "reputation" or "badge"
    text: str
    url: str
    amount: int = 0
    badge_class: int | None = None
    unseen: bool = False


@dataclass
class Achievements:
    day_total: int  # reputation gained (or lost) today, UTC
    items: list[Achievement] = field(default_factory=list)


def _post_links(post_ids: set[int]) -> dict[int, tuple[str, str]]:
    posts = Post.objects.filter(id__in=post_ids).only("id", "post_type", "title", "parent_id")
    by_id = {p.id: p for p in posts}
    parents = {
        p.id: p.title
        for p in Post.objects.filter(
            id__in={p.parent_id for p in by_id.values() if p.parent_id}
        ).only("id", "title")
    }
    result = {}
    for post in by_id.values():
        if post.post_type == PostType.QUESTION:
            result[post.id] = (post.title, links.question_short_url(post.id))
        else:
            result[post.id] = (parents.get(post.parent_id, ""), links.answer_url(post.id))
    return result


def achievements_today(user, now: datetime | None = None) -> Achievements:
    """The viewer's reputation changes and badges of today (UTC day), newest first, those
    since they last opened the list marked unseen: four queries."""
    now = now or timezone.now()
    start, end = utc_day_bounds(now)
    seen = user.achievements_seen_at
    changes = list(
        ReputationChange.objects.filter(user_id=user.id, created_at__gte=start, created_at__lt=end)
        .exclude(reason=Reason.OPENING_BALANCE)
        .order_by("-created_at", "-id")[:ACHIEVEMENTS_SHOWN]
    )
    badges = list(
        Badge.objects.filter(user_id=user.id, date__gte=start, date__lt=end).order_by("-date")[
            :ACHIEVEMENTS_SHOWN
        ]
    )
    posts = _post_links({c.post_id for c in changes if c.post_id})
    items = [
        Achievement(
            when=c.created_at,
            kind="reputation",
            text=posts.get(c.post_id, ("", ""))[0] or c.get_reason_display(),
            url=posts.get(c.post_id, ("", ""))[1],
            amount=c.amount,
            unseen=achievements.is_unseen(c.created_at, seen, now),
        )
        for c in changes
    ] + [
        Achievement(
            when=b.date,
            kind="badge",
            text=b.name,
            url=links.badge_url(b.name),
            badge_class=b.badge_class,
            unseen=achievements.is_unseen(b.date, seen, now),
        )
        for b in badges
    ]
    items.sort(key=lambda a: a.when, reverse=True)
    return Achievements(day_total=sum(c.amount for c in changes), items=items)


def questions_in_tags(
    tag_names: list[str], since: datetime, until: datetime, limit: int
) -> list[Post]:
    """Live questions asked in (since, until] carrying any of the tags, newest first: from the
    tag-post index by id (ids grow with time), at most `limit` of them."""
    if not tag_names:
        return []
    from quaestio.tags.models import PostTag

    post_ids = list(
        PostTag.objects.filter(tag__name__in=tag_names)
        .order_by("-post_id")
        .values_list("post_id", flat=True)
        .distinct()[: limit * 4]
    )
    questions = (
        Post.objects.filter(
            id__in=post_ids,
            post_type=PostType.QUESTION,
            deletion_date=None,
            creation_date__gt=since,
            creation_date__lte=until,
        )
        .select_related("owner")
        .order_by("-creation_date", "-id")
    )
    return list(questions[:limit])
