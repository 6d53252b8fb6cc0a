"""Every write to the reputation ledger.

Callers (the voting, accepting and bounty services, the posts services, the importer) run
inside their own transaction, having locked the post first; the functions here lock the users
whose reputation moves, in id order, and replay each one's events from the moment something
changed (`reputation.replay`), so a user's total always equals what Stack Exchange's
recalculation gives from the events that stand. Lock order: post(s), then users by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.live import channels
from quaestio.live.services import publish
from quaestio.notifications import achievements
from quaestio.reputation import rules
from quaestio.reputation.models import BASE_REPUTATION, Reason, ReputationChange
from quaestio.reputation.replay import Replay, utc_day


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


def standing(reason: str, post_deleted: object, question_deleted: object) -> bool:
    """Vote and accept reputation stands while its post and the post's question do (§1.4)."""
    return reason not in rules.POST_BOUND or (post_deleted is None and question_deleted is None)


def replay_user(user_id: int, since: datetime, withdrawn: int = 0) -> int:
    """Replay the user's events from `since` on and store what each applied and the total.

    The caller holds the lock on the user's row. Events before `since` keep their amounts: the
    total before `since` is the stored total less what the later events applied, and the day's
    tally is what the day's earlier capped events applied. `withdrawn` is what events just
    taken out of the ledger had applied. Returns the change of the total.
    """
    day_start, _ = utc_day_bounds(since)
    rows = list(
        ReputationChange.objects.filter(user_id=user_id, created_at__gte=day_start)
        .order_by("created_at", "id")
        .values_list(
            "id",
            "amount",
            "nominal",
            "reason",
            "created_at",
            "post__deletion_date",
            "post__parent__deletion_date",
        )
    )
    stored = User.objects.values_list("reputation", flat=True).get(id=user_id)
    earlier = [row for row in rows if row[4] < since]
    later = rows[len(earlier) :]
    state = Replay(
        reputation=stored - withdrawn - sum(row[1] for row in later),
        day=utc_day(since),
        tally=sum(row[1] for row in earlier if row[3] in rules.CAPPED),
    )
    changed = []
    for row_id, amount, nominal, reason, moment, deleted, question_deleted in later:
        applied = state.apply(nominal, reason, moment, standing(reason, deleted, question_deleted))
        if applied != amount:
            changed.append(ReputationChange(id=row_id, amount=applied))
    if changed:
        ReputationChange.objects.bulk_update(changed, ["amount"])
    if state.reputation != stored:
        User.objects.filter(id=user_id).update(reputation=state.reputation)
    return state.reputation - stored


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
    """Record one event for one user and apply it: the cap, the floor, in its place in time.

    Writes the row even when the cap or the floor reduced it to nothing, so the history shows
    the event. An event dated before others of the user's (a back-dated import, a test) is
    replayed in its place, and the later ones after it.
    """
    if user_id is None or user_id == COMMUNITY_USER_ID:
        return None
    now = now or timezone.now()
    lock_users([user_id])
    row = ReputationChange.objects.create(
        user_id=user_id,
        amount=0,
        nominal=nominal,
        reason=reason,
        post_id=post_id,
        vote_id=vote_id,
        event_id=event_id,
        created_at=now,
    )
    replay_user(user_id, now)
    row.amount = ReputationChange.objects.values_list("amount", flat=True).get(id=row.id)
    # The user's open pages refresh the top bar (reputation, achievements).
    publish(channels.user(user_id), "reputation", {"amount": row.amount})
    if reason != Reason.OPENING_BALANCE:
        achievements.add(user_id, [now])  # the top bar's marker, until the user looks
    return row


def withdraw(vote_id: int) -> int:
    """A vote retracted or reversed, an accept removed: its events leave the ledger.

    Each user it moved is replayed from the vote's moment, so what it gave or took is undone
    as if it had never been cast; an earlier loss the floor cut stays cut. Returns how many
    users' totals changed.
    """
    rows = ReputationChange.objects.filter(vote_id=vote_id)
    # Lock first: another user's replay may rewrite what these rows applied until then.
    lock_users(rows.values_list("user_id", flat=True))
    moved = {
        user_id: (first, applied)
        for user_id, first, applied in rows.values("user_id")
        .annotate(first=Min("created_at"), applied=Sum("amount"))
        .values_list("user_id", "first", "applied")
    }
    unseen = _unseen_per_user(rows)
    rows.delete()
    achievements.remove(unseen)  # the top bar's marker no longer counts what is gone
    return sum(
        1
        for user_id, (first, applied) in sorted(moved.items())
        if replay_user(user_id, first, applied)
    )


def _unseen_per_user(rows) -> dict[int, int]:
    """How many of these ledger rows each user's achievements marker counts (the marker's
    rule, notifications.achievements)."""
    return dict(
        rows.exclude(reason=Reason.OPENING_BALANCE)
        .filter(achievements.unseen_filter("created_at", "user__achievements_seen_at"))
        .values_list("user_id")
        .annotate(n=Count("id"))
    )


def _with_answers(post) -> list[int]:
    from quaestio.posts.models import Post, PostType

    ids = [post.id]
    if post.post_type == PostType.QUESTION:
        ids += list(Post.objects.filter(parent_id=post.id).values_list("id", flat=True))
    return ids


def post_standing_changed(post) -> int:
    """The post (a question with its answers) was deleted or undeleted: replay everyone whose
    vote or accept reputation on it stands or falls with it (spec §1.4).

    Call inside the posts service's transaction, after writing `deletion_date`, with the post
    locked. Answers deleted on their own stay removed when their question comes back, as their
    own `deletion_date` says. Returns how many users' totals changed.
    """
    since = dict(
        ReputationChange.objects.filter(
            post_id__in=_with_answers(post), reason__in=rules.POST_BOUND
        )
        .values("user_id")
        .annotate(first=Min("created_at"))
        .values_list("user_id", "first")
    )
    lock_users(since)
    return sum(1 for user_id in sorted(since) if replay_user(user_id, since[user_id]))


def post_deleted(post, now: datetime | None = None, as_spam: bool = False) -> int:
    """Remove the reputation votes and accepts on a deleted post gave or took (spec §1.4).

    `as_spam` (six spam/rude flags or a moderator's binding one) also costs the author 100,
    which undeleting does not give back.
    """
    moved = post_standing_changed(post)
    if as_spam and post.owner_id is not None:
        change(post.owner_id, rules.SPAM_PENALTY, Reason.SPAM_PENALTY, post_id=post.id, now=now)
    return moved


post_undeleted = post_standing_changed


def suggested_edit_approved(
    user_id: int, post_id: int, edit_id: int | None = None, now: datetime | None = None
) -> ReputationChange | None:
    """+2 for an approved suggested edit, up to 1000 in a lifetime; in the daily cap (§1.1).

    The caller (the suggested-edit review) only calls this for users without the full edit
    privilege, as those are the only ones whose edits are suggestions.
    """
    if user_id is None:
        return None
    lock_users([user_id])
    already = ReputationChange.objects.filter(
        user_id=user_id, reason=Reason.SUGGESTED_EDIT, event_id=edit_id
    )
    if edit_id is not None and already.exists():
        return None  # the same approval announced twice: pay once
    nominal = suggested_edit_worth(
        ReputationChange.objects.filter(user_id=user_id, reason=Reason.SUGGESTED_EDIT).aggregate(
            total=Sum("nominal")
        )["total"]
        or 0
    )
    if not nominal:
        return None
    return change(
        user_id, nominal, Reason.SUGGESTED_EDIT, post_id=post_id, event_id=edit_id, now=now
    )


def suggested_edit_worth(earned_before: int) -> int:
    """+2, or what is left of the lifetime 1000 (counted on what the rule gave, not the cap)."""
    return max(0, min(rules.SUGGESTED_EDIT, rules.SUGGESTED_EDIT_LIFETIME_CAP - earned_before))


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
