"""The granter: award what the badge queries say is earned and not yet held.

Used after events (for the users involved) and by the daily backfill (for everyone); both run
the same queries, so the backfill catches whatever a lost task missed. Badges are not revoked.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.badges.definitions import (
    DEFINITIONS,
    TAG_LEVELS,
    Counted,
    count_many,
    tag_badges_earned,
)
from quaestio.badges.models import Badge, BadgeClass
from quaestio.core import links
from quaestio.core.page_generation import pages_changed
from quaestio.notifications import achievements
from quaestio.notifications.models import Notification
from quaestio.notifications.services import notify

COUNTER_FIELD = {
    BadgeClass.GOLD: "gold_badges",
    BadgeClass.SILVER: "silver_badges",
    BadgeClass.BRONZE: "bronze_badges",
}


def _held(names: list[str], user_ids: list[int] | None, tag_based: bool) -> Counter:
    rows = Badge.objects.filter(name__in=names, tag_based=tag_based)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return Counter(
        {
            (r["user_id"], r["name"], r["badge_class"]): r["n"]
            for r in rows.values("user_id", "name", "badge_class").annotate(n=Count("id"))
        }
    )


def award_badges(
    user_ids: list[int] | None = None,
    now: datetime | None = None,
    events: set[str] | None = None,
    notify: bool = False,
) -> Counter:
    """Award every badge earned and not yet held; returns awards per badge name.

    With `events`, only the badges those events can earn are checked (the after-event path);
    without, every badge including tag badges (the daily backfill). `notify` puts each award
    in its owner's inbox (the after-event path; a backfill over an imported site would flood).
    """
    now = now or timezone.now()
    if user_ids is not None:
        user_ids = [uid for uid in set(user_ids) if uid != COMMUNITY_USER_ID]
        if not user_ids:
            return Counter()
    definitions = [d for d in DEFINITIONS if events is None or d.triggers & events]
    counted = count_many(
        {d.name: d.query for d in definitions if isinstance(d.query, Counted)}, user_ids
    )
    earned: dict[tuple[int, str, int], int] = {}
    for definition in definitions:
        results = counted.get(definition.name)
        if results is None:
            results = definition.query(user_ids)
        for user_id, times in results.items():
            if user_id == COMMUNITY_USER_ID:
                continue
            earned[(user_id, definition.name, definition.badge_class)] = (
                times if definition.multiple else min(times, 1)
            )
    held = _held([d.name for d in definitions], user_ids, tag_based=False)
    new = [
        Badge(user_id=user, name=name, badge_class=cls, date=now, tag_based=False)
        for (user, name, cls), times in earned.items()
        for _ in range(times - held.get((user, name, cls), 0))
    ]
    # Tag badges follow tag scores, which are recalculated daily (spec §3.6).
    tags = {}
    if events is None:
        tags = {k: v for k, v in tag_badges_earned(user_ids).items() if k[0] != COMMUNITY_USER_ID}
    if tags:
        held_tags = _held(sorted({name for _u, name, _c in tags}), user_ids, tag_based=True)
        new += [
            Badge(user_id=user, name=name, badge_class=cls, date=now, tag_based=True)
            for (user, name, cls) in tags
            if not held_tags.get((user, name, cls))
        ]
    awarded = _save(new)
    if notify and new:
        transaction.on_commit(lambda: _notify(new))
    return awarded


def _notify(badges: list[Badge]) -> None:
    for badge in badges:
        notify(
            badge.user_id,
            Notification.BADGE,
            summary=f"You earned the {badge.name} badge.",
            url=links.badge_url(badge.name),
        )


def _save(new: list[Badge]) -> Counter:
    if not new:
        return Counter()
    per_user_class = Counter((b.user_id, b.badge_class) for b in new)
    with transaction.atomic():
        Badge.objects.bulk_create(new, batch_size=1000)
        for (user_id, badge_class), n in per_user_class.items():
            field = COUNTER_FIELD[badge_class]
            # The top bar's achievements marker counts them too, in the same statement.
            marker = achievements.increments(
                [b.date for b in new if (b.user_id, b.badge_class) == (user_id, badge_class)]
            )
            User.objects.filter(id=user_id).update(**{field: F(field) + n}, **marker)
        pages_changed()  # badge counts show beside names
    return Counter(b.name for b in new)


__all__ = ["award_badges", "TAG_LEVELS"]
