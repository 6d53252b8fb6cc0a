"""The achievements marker's one definition, in each form the code needs it.

The top bar's dropdown lists the day's reputation changes and badges (UTC day); the marker
counts those of them the user has not seen:

    an event is unseen  ⇔  day start ≤ its time, and the user never opened the list or
                           opened it before the event (time > achievements_seen_at)

Opening balances are no event. The marker is kept on the user row (`achievements_unseen`) for
the day in `achievements_day`: a count kept on an earlier day reads as 0, since none of those
events is in today's list, and the next event of today starts it again at its own count.

`is_unseen` (Python), `unseen_filter` (ORM) and `unseen_sql` (the recount's SQL) are the
same rule; `marker` reads the row; `add` and `remove` keep it as events come and go.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from quaestio.accounts.models import User


def day_start(now: datetime | None = None) -> datetime:
    # Imported here: reputation.services writes events and calls `add`.
    from quaestio.reputation.services import utc_day_bounds

    return utc_day_bounds(now or timezone.now())[0]


def today(now: datetime | None = None) -> date:
    return day_start(now).date()


def is_unseen(when: datetime, seen_at: datetime | None, now: datetime | None = None) -> bool:
    return when >= day_start(now) and (seen_at is None or when > seen_at)


def unseen_filter(when: str, seen_at: str, now: datetime | None = None) -> Q:
    """The rule on a queryset: `when` is the event's time field, `seen_at` the path to its
    user's achievements_seen_at."""
    return Q(**{f"{when}__gte": day_start(now)}) & (
        Q(**{f"{seen_at}__isnull": True}) | Q(**{f"{when}__gt": F(seen_at)})
    )


def _timestamp_literal(moment: datetime) -> str:
    """A UTC moment as each database compares it with a stored datetime column (SQLite keeps
    naive UTC text)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    text = utc.isoformat(sep=" ")
    return f"'{text}+00:00'" if connection.vendor == "postgresql" else f"'{text}'"


def unseen_sql(when: str, seen_at: str, now: datetime | None = None) -> str:
    """The rule as an SQL condition on columns `when` and `seen_at`."""
    start = _timestamp_literal(day_start(now))
    return f"{when} >= {start} AND ({seen_at} IS NULL OR {when} > {seen_at})"


def marker_sql(table: str, now: datetime | None = None) -> str:
    """The marker as `marker` reads it, as an SQL expression on the user table `table`."""
    return (
        f"(CASE WHEN {table}.achievements_day = '{today(now).isoformat()}' "
        f"THEN {table}.achievements_unseen ELSE 0 END)"
    )


def marker(user, now: datetime | None = None) -> int:
    """The top bar's number, from the user row: no query."""
    if user.achievements_day != today(now):
        return 0
    return max(user.achievements_unseen, 0)


def increments(times: Iterable[datetime], now: datetime | None = None) -> dict:
    """The user row's update (keyword arguments of `.update()`) for events just written at
    these times: the marker counts those the rule calls unseen. Events of an earlier day (a
    back-dated write) are not counted; the check against the row's seen_at is made in the
    statement, for the earliest of the times (events written together are one moment)."""
    start = day_start(now)
    times = [t for t in times if t >= start]
    if not times:
        return {}
    day, n = today(now), len(times)
    after_seen = Q(achievements_seen_at__isnull=True) | Q(achievements_seen_at__lt=min(times))
    return {
        "achievements_unseen": Case(
            When(after_seen & Q(achievements_day=day), then=F("achievements_unseen") + n),
            When(after_seen, then=Value(n)),
            default=F("achievements_unseen"),
        ),
        "achievements_day": Case(When(after_seen, then=Value(day)), default=F("achievements_day")),
    }


def add(user_id: int | None, times: Iterable[datetime], now: datetime | None = None) -> None:
    """Events just written for a user at these times (see `increments`). Call in the
    transaction that writes them."""
    update = increments(times, now)
    if user_id is not None and update:
        User.objects.filter(id=user_id).update(**update)


def remove(counts: dict[int, int]) -> None:
    """Events withdrawn that the marker counted (counted with `unseen_filter`): it counts
    them no more. Never below zero."""
    for user_id, n in counts.items():
        if n:
            User.objects.filter(id=user_id).update(
                achievements_unseen=Greatest(F("achievements_unseen") - n, 0)
            )


def mark_seen(user, now: datetime | None = None) -> None:
    """The user opened the list: everything until now is seen."""
    now = now or timezone.now()
    day = today(now)
    User.objects.filter(id=user.id).update(
        achievements_unseen=0, achievements_seen_at=now, achievements_day=day
    )
    user.achievements_unseen, user.achievements_seen_at, user.achievements_day = 0, now, day
