"""Serial voting (spec §1.4): a daily job finds runs of votes from one voter on one user's posts
and reverses them: the votes go, and with them the reputation they moved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from quaestio.votes import rules
from quaestio.votes.models import Vote, VoteType
from quaestio.votes.services.voting import reverse_votes


def serial_vote_ids(day: date) -> list[int]:
    """Votes of one direction from one voter on one owner's posts, past the day's threshold."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    votes = Vote.objects.filter(
        vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD),
        user_id__isnull=False,
        creation_date__gte=start,
        creation_date__lt=end,
        post__deletion_date__isnull=True,
        post__owner_id__isnull=False,
    )
    runs = (
        votes.values("user_id", "post__owner_id", "vote_type")
        .annotate(n=Count("id"))
        .filter(n__gte=rules.SERIAL_VOTES_PER_DAY)
    )
    ids: list[int] = []
    for run in runs:
        ids += list(
            votes.filter(
                user_id=run["user_id"],
                post__owner_id=run["post__owner_id"],
                vote_type=run["vote_type"],
            ).values_list("id", flat=True)
        )
    return sorted(ids)


def reverse_serial_voting(day: date | None = None, now: datetime | None = None) -> int:
    """Run for yesterday (UTC) by default; returns how many votes were reversed."""
    now = now or timezone.now()
    day = day or (now - timedelta(days=1)).date()
    return reverse_votes(serial_vote_ids(day))
