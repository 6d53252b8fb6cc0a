"""Reputation reads shaped for the API: users/{ids}/reputation, reputation-history and the
user type's reputation_change_* fields.

The source is the reputation ledger (`reputation.ReputationChange`); each read costs a fixed
number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from quaestio.reputation.models import ReputationChange

WINDOWS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}

# Ledger reasons → Stack Exchange's reputation_history_type and reputation vote_type.
HISTORY_TYPE = {
    "upvote": "post_upvoted",
    "downvote": "post_downvoted",
    "unupvote": "post_unupvoted",
    "undownvote": "post_undownvoted",
    "downvoted": "voter_downvotes",
    "undownvoted": "voter_undownvotes",
    "accept": "answer_accepted",
    "unaccept": "answer_unaccepted",
    "accepter": "asker_accepts_answer",
    "unaccepter": "asker_unaccept_answer",
    "edit": "suggested_edit_approval_received",
    "bounty_offered": "bounty_given",
    "bounty_awarded": "bounty_earned",
    "association": "association_bonus",
    "spam_penalty": "post_flagged_as_spam",
    "removed": "post_deleted",
    "restored": "post_undeleted",
    "reversal": "vote_fraud_reversal",
    "opening_balance": "arbitrary_reputation_change",
}
VOTE_TYPE = {
    "upvote": "up_votes",
    "unupvote": "up_votes",
    "downvote": "down_votes",
    "undownvote": "down_votes",
    "downvoted": "down_votes",
    "undownvoted": "down_votes",
    "accept": "accepts",
    "unaccept": "accepts",
    "accepter": "accepts",
    "unaccepter": "accepts",
    "bounty_awarded": "bounties_won",
    "bounty_offered": "bounties_offered",
    "edit": "approved_edit_suggestion",
}


@dataclass
class Event:
    user_id: int
    amount: int
    reason: str  # a ledger reason name
    on_date: datetime
    post_id: int | None
    post_type: int | None
    title: str


def _page(queryset, offset: int, size: int):
    rows = list(queryset[offset : offset + size + 1])
    return rows[:size], len(rows) > size


def events(user_ids: list[int], offset: int, size: int):
    """(events newest first, has_more, count) for these users."""
    queryset = (
        ReputationChange.objects.filter(user_id__in=user_ids)
        .annotate(
            post_kind=F("post__post_type"),
            post_title=F("post__title"),
            parent_title=F("post__parent__title"),
        )
        .order_by("-created_at", "-id")
    )
    rows, has_more = _page(queryset, offset, size)
    found = [
        Event(
            row.user_id,
            row.amount,
            row.reason,
            row.created_at,
            row.post_id,
            row.post_kind,
            row.post_title or row.parent_title or "",
        )
        for row in rows
    ]
    return found, has_more, queryset.count


def changes(user_ids: list[int]) -> dict[int, dict]:
    """reputation_change_day/week/month/quarter/year per user (one query)."""
    now = timezone.now()
    aggregates = {
        f"reputation_change_{name}": Coalesce(
            Sum("amount", filter=Q(created_at__gte=now - timedelta(days=days))), 0
        )
        for name, days in WINDOWS.items()
    }
    year_ago = now - timedelta(days=WINDOWS["year"])
    result = {uid: {f"reputation_change_{n}": 0 for n in WINDOWS} for uid in user_ids}
    for row in (
        ReputationChange.objects.filter(user_id__in=user_ids, created_at__gte=year_ago)
        .values("user_id")
        .annotate(**aggregates)
        .order_by()
    ):
        result[row.pop("user_id")] = row
    return result
