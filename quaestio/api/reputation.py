"""Reputation reads shaped for the API: users/{ids}/reputation, reputation-history and the
user type's reputation_change_* fields.

The source is the reputation ledger (`reputation.ReputationChange`, the reputation room) when it
is installed; before that, events are derived from the votes on the users' posts with the
common rules (+10 per upvote, −2 per downvote, +15 per accept). Each path costs a fixed number
of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from quaestio.posts.models import PostType
from quaestio.votes.models import Vote, VoteType

REPUTATION_FOR_VOTE = {
    (VoteType.UP_MOD, PostType.QUESTION): 10,
    (VoteType.UP_MOD, PostType.ANSWER): 10,
    (VoteType.DOWN_MOD, PostType.QUESTION): -2,
    (VoteType.DOWN_MOD, PostType.ANSWER): -2,
    (VoteType.ACCEPTED_BY_ORIGINATOR, PostType.ANSWER): 15,
}
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
_VOTE_REASON = {
    VoteType.UP_MOD: "upvote",
    VoteType.DOWN_MOD: "downvote",
    VoteType.ACCEPTED_BY_ORIGINATOR: "accept",
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


def ledger():
    """The reputation room's ledger model, or None before it is installed."""
    try:
        return apps.get_model("reputation", "ReputationChange")
    except LookupError:
        return None


def _page(queryset, offset: int, size: int):
    rows = list(queryset[offset : offset + size + 1])
    return rows[:size], len(rows) > size


def events(user_ids: list[int], offset: int, size: int):
    """(events newest first, has_more, count) for these users."""
    model = ledger()
    if model is not None:
        queryset = (
            model.objects.filter(user_id__in=user_ids)
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
    queryset = (
        Vote.objects.filter(
            post__owner_id__in=user_ids,
            vote_type__in=tuple(_VOTE_REASON),
            post__post_type__in=(PostType.QUESTION, PostType.ANSWER),
        )
        .annotate(
            owner_id=F("post__owner_id"),
            post_kind=F("post__post_type"),
            post_title=F("post__title"),
            parent_title=F("post__parent__title"),
        )
        .order_by("-creation_date", "-id")
    )
    rows, has_more = _page(queryset, offset, size)
    found = [
        Event(
            vote.owner_id,
            REPUTATION_FOR_VOTE.get((vote.vote_type, vote.post_kind), 0),
            _VOTE_REASON[vote.vote_type],
            vote.creation_date,
            vote.post_id,
            vote.post_kind,
            vote.post_title or vote.parent_title or "",
        )
        for vote in rows
    ]
    return found, has_more, queryset.count


def changes(user_ids: list[int]) -> dict[int, dict]:
    """reputation_change_day/week/month/quarter/year per user (one query)."""
    now = timezone.now()
    model = ledger()
    if model is not None:
        amount, date_field, owner = F("amount"), "created_at", "user_id"
        rows = model.objects.filter(user_id__in=user_ids)
    else:
        amount = Case(
            *[
                When(vote_type=vote_type, post__post_type=post_type, then=Value(points))
                for (vote_type, post_type), points in REPUTATION_FOR_VOTE.items()
            ],
            default=Value(0),
            output_field=IntegerField(),
        )
        date_field, owner = "creation_date", "post__owner_id"
        rows = Vote.objects.filter(post__owner_id__in=user_ids)
    aggregates = {
        f"reputation_change_{name}": Coalesce(
            Sum(amount, filter=Q(**{f"{date_field}__gte": now - timedelta(days=days)})), 0
        )
        for name, days in WINDOWS.items()
    }
    year_ago = now - timedelta(days=WINDOWS["year"])
    result = {uid: {f"reputation_change_{n}": 0 for n in WINDOWS} for uid in user_ids}
    for row in (
        rows.filter(**{f"{date_field}__gte": year_ago})
        .values(owner)
        .annotate(**aggregates)
        .order_by()
    ):
        result[row.pop(owner)] = row
    return result
