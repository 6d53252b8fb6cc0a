"""`quaestio recalc-reputation`: every user's reputation replayed from the rows that stand.

The events come from the source rows, not from the ledger: standing votes (a Vote of type 2 or
3 with its voter), accepts (type 1), bounties (offered and awarded), approved suggested edits,
and whether each post and its question are deleted. Only the events that have no row of their
own (opening balances of imported users, spam penalties, association bonuses) are read from
the ledger. Votes without a voter come from a dump or the demo seed: the imported total (the
opening balance) already counts them, as Stack Exchange's dumps anonymise voters.

Each user's events are replayed in time order by `reputation.replay`, the function the live
ledger uses, and compared with the stored total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.core.page_generation import pages_changed
from quaestio.reputation import rules
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.replay import Replay
from quaestio.reputation.services import standing, suggested_edit_worth

CHUNK = 2000


@dataclass(frozen=True)
class Event:
    """One event of one user, as a ledger row would record it."""

    created_at: datetime
    order: tuple  # ties at one moment: the order the services write them in
    nominal: int
    reason: str
    standing: bool
    post_id: int | None = None
    vote_id: int | None = None
    event_id: int | None = None


@dataclass
class Difference:
    user_id: int
    stored: int
    expected: int


def _vote_events(user_ids: list[int], into: dict[int, list[Event]]) -> None:
    from quaestio.posts.models import PostType
    from quaestio.votes.models import Vote, VoteType

    fields = (
        "id",
        "vote_type",
        "user_id",
        "creation_date",
        "post_id",
        "post__post_type",
        "post__owner_id",
        "post__community_owned_date",
        "post__deletion_date",
        "post__parent__deletion_date",
    )
    cast = Vote.objects.filter(
        vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD), user_id__isnull=False
    )
    received = cast.filter(post__owner_id__in=user_ids).values_list(*fields)
    given = cast.filter(
        user_id__in=user_ids, vote_type=VoteType.DOWN_MOD, post__post_type=PostType.ANSWER
    ).values_list(*fields)
    wanted = set(user_ids)
    seen: set[int] = set()
    for row in [*received, *given]:
        vote_id, kind, voter, moment, post_id, post_type, owner, cw, deleted, q_deleted = row
        if vote_id in seen or not rules.earns_from_votes(owner, cw, moment):
            continue
        seen.add(vote_id)
        moves = rules.vote_moves(
            kind == VoteType.UP_MOD, post_type == PostType.ANSWER, owner, voter
        )
        ids = {"post_id": post_id, "vote_id": vote_id}
        _add(into, wanted, moves, moment, vote_id, (deleted, q_deleted), **ids)


def _add(into, wanted, moves, moment, source_id, deletions, **ids) -> None:
    for rank, (user_id, nominal, reason) in enumerate(moves):
        if user_id in wanted:
            event_standing = standing(reason, *deletions)
            into[user_id].append(
                Event(moment, (source_id, rank), nominal, reason, event_standing, **ids)
            )


def _accept_events(user_ids: list[int], into: dict[int, list[Event]]) -> None:
    from django.db.models import Q

    from quaestio.votes.models import Vote, VoteType

    rows = Vote.objects.filter(
        Q(post__owner_id__in=user_ids) | Q(user_id__in=user_ids),
        vote_type=VoteType.ACCEPTED_BY_ORIGINATOR,
        user_id__isnull=False,
    ).values_list(
        "id",
        "user_id",
        "creation_date",
        "post_id",
        "post__owner_id",
        "post__community_owned_date",
        "post__deletion_date",
        "post__parent__deletion_date",
    )
    wanted = set(user_ids)
    for vote_id, asker, moment, answer_id, answerer, cw, deleted, q_deleted in rows:
        if rules.earns_from_votes(answerer, cw, moment):
            moves = rules.accept_moves(answerer, asker)
            ids = {"post_id": answer_id, "vote_id": vote_id}
            _add(into, wanted, moves, moment, vote_id, (deleted, q_deleted), **ids)


def _bounty_events(user_ids: list[int], into: dict[int, list[Event]]) -> None:
    from quaestio.votes.models import Bounty, BountyState

    for bounty_id, offerer, amount, started, question_id in Bounty.objects.filter(
        offerer_id__in=user_ids
    ).values_list("id", "offerer_id", "amount", "started_at", "question_id"):
        into[offerer].append(
            Event(
                started,
                (bounty_id, 0),
                -amount,
                Reason.BOUNTY_OFFERED,
                True,
                post_id=question_id,
                event_id=bounty_id,
            )
        )
    awarded = Bounty.objects.filter(
        awarded_answer__owner_id__in=user_ids,
        state__in=(BountyState.AWARDED, BountyState.AUTO_AWARDED),
    ).values_list(
        "id", "awarded_answer__owner_id", "awarded_amount", "closed_at", "awarded_answer_id"
    )
    for bounty_id, owner, amount, closed, answer_id in awarded:
        into[owner].append(
            Event(
                closed,
                (bounty_id, 1),
                amount,
                Reason.BOUNTY_AWARDED,
                True,
                post_id=answer_id,
                event_id=bounty_id,
            )
        )


def _edit_events(user_ids: list[int], into: dict[int, list[Event]]) -> None:
    from quaestio.posts.models import SuggestedEdit

    earned: dict[int, int] = defaultdict(int)
    rows = (
        SuggestedEdit.objects.filter(owner_id__in=user_ids, approval_date__isnull=False)
        .order_by("approval_date", "id")
        .values_list("id", "owner_id", "approval_date", "post_id")
    )
    for edit_id, owner, approved, post_id in rows:
        nominal = suggested_edit_worth(earned[owner])
        earned[owner] += nominal
        if nominal:
            into[owner].append(
                Event(
                    approved,
                    (edit_id, 0),
                    nominal,
                    Reason.SUGGESTED_EDIT,
                    True,
                    post_id=post_id,
                    event_id=edit_id,
                )
            )


def _ledger_only_events(user_ids: list[int], into: dict[int, list[Event]]) -> None:
    rows = ReputationChange.objects.filter(
        user_id__in=user_ids, reason__in=rules.LEDGER_ONLY
    ).values_list("id", "user_id", "created_at", "nominal", "reason", "post_id", "event_id")
    for row_id, user_id, moment, nominal, reason, post_id, event_id in rows:
        into[user_id].append(
            Event(moment, (row_id, 0), nominal, reason, True, post_id=post_id, event_id=event_id)
        )


def source_events(user_ids: list[int]) -> dict[int, list[Event]]:
    """Each user's events from the source rows, in the order they are replayed."""
    events: dict[int, list[Event]] = defaultdict(list)
    for collect in (
        _vote_events,
        _accept_events,
        _bounty_events,
        _edit_events,
        _ledger_only_events,
    ):
        collect(user_ids, events)
    for user_events in events.values():
        user_events.sort(key=lambda event: (event.created_at, event.order))
    return events


def replayed(events: Iterable[Event]) -> tuple[int, list[int]]:
    """The total the events come to, and what each applied."""
    state = Replay()
    applied = [state.apply(e.nominal, e.reason, e.created_at, e.standing) for e in events]
    return state.reputation, applied


def recalculate(
    fix: bool = False,
    user_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Difference]:
    """Every user (or these) whose stored reputation differs from the replay of their events.

    With `fix`, those users get the replayed total and a ledger rebuilt from their events.
    `progress(done, total)` is called after each chunk of users.
    """
    users = User.objects.exclude(id=COMMUNITY_USER_ID)
    if user_ids is not None:
        users = users.filter(id__in=user_ids)
    ids = list(users.order_by("id").values_list("id", flat=True))
    differences: list[Difference] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            differences += _check_chunk(chunk, fix)
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return differences


def _check_chunk(user_ids: list[int], fix: bool) -> list[Difference]:
    if fix:
        list(User.objects.select_for_update().filter(id__in=user_ids).order_by("id").values("id"))
    stored = dict(User.objects.filter(id__in=user_ids).values_list("id", "reputation"))
    events = source_events(user_ids)
    differences = []
    for user_id in user_ids:
        expected, applied = replayed(events.get(user_id, []))
        if expected == stored[user_id]:
            continue
        differences.append(Difference(user_id, stored[user_id], expected))
        if fix:
            _rebuild(user_id, events.get(user_id, []), applied, expected)
    if fix and differences:
        pages_changed()  # reputation shows beside names
    return differences


def _rebuild(user_id: int, events: list[Event], applied: list[int], total: int) -> None:
    ReputationChange.objects.filter(user_id=user_id).delete()
    ReputationChange.objects.bulk_create(
        ReputationChange(
            user_id=user_id,
            amount=amount,
            nominal=event.nominal,
            reason=event.reason,
            post_id=event.post_id,
            vote_id=event.vote_id,
            event_id=event.event_id,
            created_at=event.created_at,
        )
        for event, amount in zip(events, applied, strict=True)
    )
    User.objects.filter(id=user_id).update(reputation=total)
