"""Every write to the reputation ledger.

Callers (the voting, accepting and bounty services, the delete service, the importer) run
inside their own transaction; `change` locks the user's row so the daily cap and the floor are
computed against a tally nobody else is moving at the same time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.reputation import rules
from quaestio.reputation.models import BASE_REPUTATION, Reason, ReputationChange


def utc_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    moment = moment.astimezone(UTC)
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def lock_users(user_ids: Iterable[int | None]) -> None:
    """Lock users in id order, so two services locking overlapping sets never deadlock."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    if ids:
        list(User.objects.select_for_update().filter(id__in=ids).order_by("id").values("id"))


def day_tally(user_id: int, moment: datetime) -> int:
    """The capped bucket's net total for the UTC day of `moment` (spec §1.2)."""
    start, end = utc_day_bounds(moment)
    total = ReputationChange.objects.filter(
        user_id=user_id, reason__in=rules.CAPPED, created_at__gte=start, created_at__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def change(
    user_id: int | None,
    nominal: int,
    reason: str,
    *,
    post_id: int | None = None,
    vote_id: int | None = None,
    event_id: int | None = None,
    now: datetime | None = None,
) -> ReputationChange | None:
    """Apply one event to one user: cap gains in the capped bucket, keep everyone at 1 or more.

    Writes the row even when the cap or the floor reduced it to nothing, so the history shows
    the event and a later retraction knows exactly what to take back (nothing).
    """
    if user_id is None or user_id == COMMUNITY_USER_ID:
        return None
    now = now or timezone.now()
    user = User.objects.select_for_update().only("id", "reputation").get(id=user_id)
    amount = nominal
    if reason in rules.CAPPED and amount > 0:
        amount = max(0, min(amount, rules.DAILY_CAP - day_tally(user_id, now)))
    if amount < 0:
        amount = max(amount, BASE_REPUTATION - user.reputation)
    row = ReputationChange.objects.create(
        user_id=user_id,
        amount=amount,
        nominal=nominal,
        reason=reason,
        post_id=post_id,
        vote_id=vote_id,
        event_id=event_id,
        created_at=now,
    )
    if amount:
        User.objects.filter(id=user_id).update(reputation=user.reputation + amount)
    return row


def undo_vote(
    vote_id: int, *, reason: str | None = None, now: datetime | None = None
) -> list[ReputationChange]:
    """Take back what one vote (or accept) gave each user: exactly what was applied, net.

    `reason` overrides the undo reason (serial-voting reversal); by default an upvote is undone
    by "unupvote", a downvote by "undownvote" and so on.
    """
    rows = list(ReputationChange.objects.filter(vote_id=vote_id).order_by("id"))
    by_user: dict[int, tuple[int, str, int | None]] = {}
    for row in rows:
        net, original, post_id = by_user.get(row.user_id, (0, row.reason, row.post_id))
        by_user[row.user_id] = (net + row.amount, original, post_id)
    lock_users(by_user)
    post_ids = [post_id for _net, _original, post_id in by_user.values() if post_id]
    state = _removal_state(post_ids) if post_ids else {}
    written = []
    for user_id, (net, original, post_id) in sorted(by_user.items()):
        if net == 0:
            continue
        undo_reason = reason or rules.UNDO.get(original, Reason.REVERSAL)
        removal = state.get((post_id, user_id))
        if removal and _is_removed(removal):
            # The post's reputation is already removed: record the undo and cancel it out, so
            # the user's total does not move now and undeleting gives back nothing for it.
            written += _cancelling_pair(user_id, -net, undo_reason, post_id, vote_id, now)
            continue
        written.append(
            change(user_id, -net, undo_reason, post_id=post_id, vote_id=vote_id, now=now)
        )
    return [row for row in written if row is not None]


def _cancelling_pair(user_id, amount, reason, post_id, vote_id, now) -> list[ReputationChange]:
    now = now or timezone.now()
    common = {"user_id": user_id, "post_id": post_id, "created_at": now}
    return ReputationChange.objects.bulk_create(
        [
            ReputationChange(
                amount=amount, nominal=amount, reason=reason, vote_id=vote_id, **common
            ),
            ReputationChange(
                amount=-amount, nominal=-amount, reason=Reason.REMOVED_ADJUSTMENT, **common
            ),
        ]
    )


MOVES = (Reason.REMOVED, Reason.RESTORED, Reason.REMOVED_ADJUSTMENT)


def _is_removed(state: dict) -> bool:
    return state["removals"] > state["restorations"]


def _removal_state(post_ids: list[int]) -> dict[tuple[int, int], dict]:
    """Per (post, user): rep from votes and accepts, and how often it was removed/restored."""
    rows = (
        ReputationChange.objects.filter(post_id__in=post_ids)
        .filter(Q(reason__in=rules.POST_BOUND) | Q(reason__in=MOVES))
        .values("post_id", "user_id")
        .annotate(
            earned=Sum("amount", filter=Q(reason__in=rules.POST_BOUND)),
            moved=Sum("amount", filter=Q(reason__in=MOVES)),
            removals=Count("id", filter=Q(reason=Reason.REMOVED)),
            restorations=Count("id", filter=Q(reason=Reason.RESTORED)),
        )
    )
    return {(r["post_id"], r["user_id"]): r for r in rows}


def _with_answers(post) -> list[int]:
    from quaestio.posts.models import Post, PostType

    ids = [post.id]
    if post.post_type == PostType.QUESTION:
        ids += list(Post.objects.filter(parent_id=post.id).values_list("id", flat=True))
    return ids


def post_deleted(post, now: datetime | None = None, as_spam: bool = False) -> int:
    """Remove the reputation votes and accepts on a post gave or took (spec §1.4).

    A deleted question takes its answers with it. Safe to call twice: a post whose reputation is
    already removed is skipped. `as_spam` (six spam/rude flags or a moderator's binding one)
    also costs the author 100, which undeleting does not give back. Returns the number of ledger
    rows written. Call inside the delete service's transaction.
    """
    written = _move(_with_answers(post), Reason.REMOVED, now)
    if as_spam and post.owner_id is not None:
        lock_users([post.owner_id])
        change(post.owner_id, rules.SPAM_PENALTY, Reason.SPAM_PENALTY, post_id=post.id, now=now)
        written += 1
    return written


def suggested_edit_approved(
    user_id: int, post_id: int, edit_id: int | None = None, now: datetime | None = None
) -> ReputationChange | None:
    """+2 for an approved suggested edit, up to 1000 in a lifetime; in the daily cap (§1.1).

    The caller (the suggested-edit review) only calls this for users without the full edit
    privilege, as those are the only ones whose edits are suggestions.
    """
    lock_users([user_id])
    already = ReputationChange.objects.filter(
        user_id=user_id, reason=Reason.SUGGESTED_EDIT, event_id=edit_id
    )
    if edit_id is not None and already.exists():
        return None  # announced twice (event and direct call): pay once
    earned = (
        ReputationChange.objects.filter(user_id=user_id, reason=Reason.SUGGESTED_EDIT).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    remaining = rules.SUGGESTED_EDIT_LIFETIME_CAP - earned
    if remaining <= 0:
        return None
    return change(
        user_id,
        min(rules.SUGGESTED_EDIT, remaining),
        Reason.SUGGESTED_EDIT,
        post_id=post_id,
        event_id=edit_id,
        now=now,
    )


def post_undeleted(post, now: datetime | None = None) -> int:
    """Give back exactly what `post_deleted` removed (answers deleted on their own stay removed)."""
    from quaestio.posts.models import Post

    ids = [post.id]
    if post.post_type == 1:
        ids += list(
            Post.objects.filter(parent_id=post.id, deletion_date__isnull=True).values_list(
                "id", flat=True
            )
        )
    return _move(ids, Reason.RESTORED, now)


def _move(post_ids: list[int], reason: str, now: datetime | None) -> int:
    state = _removal_state(post_ids)
    lock_users(user_id for _post, user_id in state)
    written = 0
    for (post_id, user_id), row in sorted(state.items()):
        removed = _is_removed(row)
        if reason == Reason.REMOVED and not removed and (row["earned"] or 0):
            change(user_id, -(row["earned"] or 0), reason, post_id=post_id, now=now)
            written += 1
        elif reason == Reason.RESTORED and removed:
            change(user_id, -(row["moved"] or 0), reason, post_id=post_id, now=now)
            written += 1
    return written


def record_opening_balances(now: datetime | None = None, only_new_users: bool = False) -> int:
    """Give every user whose total the ledger does not explain an "opening balance" row.

    A Stack Exchange dump carries users' totals but not the history behind them; the importer
    calls this after loading users so the ledger sums to the imported totals. Set-wise, one
    statement; returns the number of rows written. `only_new_users` limits it to users with
    no ledger row at all (imported or seeded, never touched here).
    Each row is dated at the user's creation (or at `now` when given), so an opening balance
    does not count as reputation earned today in day/week/month figures.
    """
    users = User._meta.db_table
    ledger = ReputationChange._meta.db_table
    # One pass over the ledger (a grouped sum joined to the users) rather than a correlated
    # SUM per user, evaluated twice; the rows and their order (by user id) are as before.
    totals = f"SELECT r.user_id, SUM(r.amount) AS total FROM {ledger} r GROUP BY r.user_id"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ledger} (user_id, amount, nominal, reason, created_at) "
            f"SELECT d.id, d.amount, d.amount, %s, COALESCE(%s, d.creation_date) FROM ("
            f"SELECT u.id AS id, u.creation_date AS creation_date, "
            f"u.reputation - {BASE_REPUTATION} - COALESCE(s.total, 0) AS amount "
            f"FROM {users} u LEFT JOIN ({totals}) s ON s.user_id = u.id "
            f"WHERE u.id <> %s" + (" AND s.user_id IS NULL" if only_new_users else "") + ") d "
            "WHERE d.amount <> 0 ORDER BY d.id",
            [Reason.OPENING_BALANCE.value, now, COMMUNITY_USER_ID],
        )
        return cursor.rowcount


@dataclass
class Difference:
    user_id: int
    stored: int
    ledger: int


def recalculate(fix: bool = True) -> list[Difference]:
    """Compare every user's stored reputation with the ledger; rebuild the ones that differ."""
    ledger_totals = dict(
        ReputationChange.objects.values("user_id")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "total")
    )
    differences = []
    for user_id, stored in User.objects.exclude(id=COMMUNITY_USER_ID).values_list(
        "id", "reputation"
    ):
        expected = BASE_REPUTATION + (ledger_totals.get(user_id) or 0)
        if stored != expected:
            differences.append(Difference(user_id, stored, expected))
    if fix and differences:
        with transaction.atomic():
            for difference in differences:
                User.objects.filter(id=difference.user_id).update(reputation=difference.ledger)
    return differences
