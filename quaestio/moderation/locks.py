"""Locks (spec §7.5): moderators lock a post with a notice, for a time or for good.

Each kind of lock stops some actions and lets the others go on; `lock_refusal(post, action)`
is the one place the rest of the site asks whether a lock stops an action. A lock whose time
ran out stops nothing from that moment (evaluated on read); `locks_expire`, run by
`quaestio daily-jobs`, then clears the post's `locked_date` and writes the unlock row.

Every lock and unlock writes its PostHistory row (type 14 or 15, the dump's numbers) with the
voters' JSON; our own keys (`LockType`, `Until`) ride along in that JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation.models import PostLock
from quaestio.moderation.review_tasks import close_review_tasks
from quaestio.moderation.writes import locked_post, state_history
from quaestio.posts.models import Post, PostHistoryType, PostType

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")

# What a lock may stop. Moderators are not stopped from editing, answering or commenting (the
# policies that ask say so); votes stop for everyone.
EDIT, DELETE, ANSWER, COMMENT, VOTE, FLAG, CLOSE = (
    "edit",
    "delete",
    "answer",
    "comment",
    "vote",
    "flag",
    "close",
)
EVERYTHING = frozenset({EDIT, DELETE, ANSWER, COMMENT, VOTE, FLAG, CLOSE})
STOPPED = {
    EDIT: "it cannot be edited",
    DELETE: "it cannot be deleted",
    ANSWER: "it is not accepting answers",
    COMMENT: "it is not accepting comments",
    VOTE: "votes are disabled",
    FLAG: "it cannot be flagged",
    CLOSE: "it cannot be closed or reopened",
}
ACTION_NAMES = {  # in the order the lock form lists them
    EDIT: "edits",
    DELETE: "deletion",
    ANSWER: "answers",
    COMMENT: "comments",
    VOTE: "votes",
    FLAG: "flags",
    CLOSE: "closing and reopening",
}
LONGEST = timedelta(days=365)  # a timed lock's longest; longer is "permanently"


@dataclass(frozen=True)
class LockKind:
    key: str
    title: str
    notice: str  # shown above the post; empty for "no notice"
    stops: frozenset[str]

    @property
    def effect(self) -> str:
        """What the lock stops, for the lock form: "Stops edits and deletion"."""
        names = [name for action, name in ACTION_NAMES.items() if action in self.stops]
        if len(names) == len(ACTION_NAMES):
            return "Stops everything: edits, deletion, answers, comments, votes, flags, closing."
        return "Stops " + ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


LOCK_KINDS = (
    LockKind(
        "content_dispute",
        "Content dispute",
        "This post has been locked while disputes about its content are being resolved.",
        frozenset({EDIT, DELETE}),
    ),
    LockKind(
        "historical",
        "Historical significance",
        "This question exists because it has historical significance, but it is not considered "
        "a good, on-topic question for this site, so please do not use it as evidence that you "
        "can ask similar questions here. This question and its answers are frozen and cannot "
        "be changed.",
        EVERYTHING,
    ),
    LockKind(
        "wiki_answer",
        "Wiki answer",
        "This answer is kept as a collaborative reference; its content is locked and only "
        "moderators change it.",
        frozenset({EDIT, DELETE, VOTE}),
    ),
    LockKind(
        "off_topic_comments",
        "Off-topic comments",
        "Comments on this post have been disabled because of a high amount of off-topic comments.",
        frozenset({COMMENT}),
    ),
    LockKind("no_notice", "No notice", "", EVERYTHING),
)
LOCK_KINDS_BY_KEY = {kind.key: kind for kind in LOCK_KINDS}
# A lock from a dump: its kind is not in the dump, so it stops everything (as Stack Exchange's
# historical and unexplained locks do).
IMPORTED = LockKind("imported", "Locked", "This post is locked.", EVERYTHING)


@dataclass(frozen=True)
class LockState:
    kind: LockKind
    since: datetime
    until: datetime | None  # None: until a moderator unlocks it

    def stops(self, action: str) -> bool:
        return action in self.kind.stops


def state_from(locked_date, row: PostLock | None, now: datetime) -> LockState | None:
    """The lock in force now, from the post's date and its lock row (None: not locked)."""
    if locked_date is None:
        return None
    if row is None:
        return LockState(IMPORTED, locked_date, None)
    if row.until is not None and row.until <= now:
        return None  # ran out; the daily job tidies the post's date
    kind = LOCK_KINDS_BY_KEY.get(row.kind, IMPORTED)
    return LockState(kind, row.creation_date, row.until)


def lock_state(post: Post, now: datetime | None = None) -> LockState | None:
    """The post's lock in force: no query for an unlocked post, one for a locked one (kept on
    the instance, so the policies asking about one post read it once)."""
    if post.locked_date is None:
        return None
    # A page's slotted row (posts.sql.PostRow) has no __dict__: read, not kept.
    cache = post.__dict__.setdefault("_lock_rows", {}) if hasattr(post, "__dict__") else {}
    if "row" not in cache:
        cache["row"] = PostLock.objects.filter(post_id=post.id).first()
    return state_from(post.locked_date, cache["row"], now or timezone.now())


def lock_refusal(post: Post, action: str, now: datetime | None = None) -> str:
    """ "" when no lock stops the action on this post, or the reason to show."""
    state = lock_state(post, now)
    if state is None or not state.stops(action):
        return ""
    noun = "question" if post.post_type == PostType.QUESTION else "post"
    kind = "" if state.kind is IMPORTED else f" ({state.kind.title.lower()})"
    return f"This {noun} is locked{kind}; {STOPPED[action]}."


# Policies


def may_manage_locks(user) -> Decision:
    from quaestio.moderation.policies import moderators_only

    return moderators_only(user, "lock and unlock posts")


def can_lock(user, post: Post) -> Decision:
    allowed, reason = may_manage_locks(user)
    if not allowed:
        return allowed, reason
    if post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return False, "Only questions and answers can be locked."
    if post.deletion_date is not None:
        return False, "This post is deleted; undelete it before locking it."
    return ALLOWED


def can_unlock(user, post: Post, now: datetime | None = None) -> Decision:
    allowed, reason = may_manage_locks(user)
    if not allowed:
        return allowed, reason
    if lock_state(post, now) is None:
        return False, "This post is not locked."
    return ALLOWED


# Services


@dataclass
class LockOutcome:
    post_id: int
    action: str  # "locked", "unlocked", "unchanged"
    message: str = ""


def lock_duration(amount: str | int | None, unit: str) -> timedelta | None:
    """The lock form's duration: a whole number of hours or days, or ("permanent") none."""
    if unit == "permanent":
        return None
    if unit not in ("hours", "days"):
        raise ValidationFailed("Choose hours, days or permanently.", {"unit": ["unknown"]})
    text = str(amount or "").strip()
    if not text.isdigit() or int(text) < 1:
        raise ValidationFailed(
            "Give the lock's duration as a whole number, 1 or more.", {"amount": ["invalid"]}
        )
    duration = timedelta(**{unit: int(text)})
    if duration > LONGEST:
        raise ValidationFailed(
            "A timed lock lasts at most 365 days; lock it permanently instead.",
            {"amount": ["too long"]},
        )
    return duration


def post_lock(
    user, post_id: int, kind_key: str, duration: timedelta | None, now: datetime | None = None
) -> LockOutcome:
    """Lock the post (a lock of another kind or time replaces the one in force); locking it
    again as it stands changes nothing."""
    kind = LOCK_KINDS_BY_KEY.get(kind_key)
    with transaction.atomic():
        post = locked_post(post_id)
        now = now or timezone.now()  # read after the row lock: the order of events is the lock's
        allowed, reason = can_lock(user, post)
        if not allowed:
            raise PermissionDenied(reason)
        if kind is None:
            raise ValidationFailed("Choose the kind of lock.", {"kind": ["unknown"]})
        current = lock_state(post, now)
        until = now + duration if duration is not None else None
        if current is not None and current.kind == kind and _same_end(current.until, until):
            return LockOutcome(post.id, "unchanged", "The post is already locked this way.")
        Post.objects.filter(id=post.id).update(locked_date=now)
        PostLock.objects.update_or_create(
            post_id=post.id,
            defaults={"kind": kind.key, "moderator": user, "creation_date": now, "until": until},
        )
        extra = {"Until": until.isoformat()} if until is not None else {}
        state_history(post.id, PostHistoryType.POST_LOCKED, user, now, LockType=kind.key, **extra)
        close_review_tasks(post.id, outcome="locked", at=now)  # a locked post leaves the queues
        return LockOutcome(post.id, "locked")


def _same_end(current: datetime | None, wanted: datetime | None) -> bool:
    """A retried form (the same duration seconds later) is the same lock."""
    if current is None or wanted is None:
        return current is wanted
    return abs(current - wanted) < timedelta(minutes=1)


def post_unlock(user, post_id: int, now: datetime | None = None) -> LockOutcome:
    with transaction.atomic():
        post = locked_post(post_id)
        now = now or timezone.now()
        allowed, reason = may_manage_locks(user)
        if not allowed:
            raise PermissionDenied(reason)
        if lock_state(post, now) is None:
            return LockOutcome(post.id, "unchanged", "This post is not locked.")
        _unlock(post.id)
        state_history(post.id, PostHistoryType.POST_UNLOCKED, user, now)
        return LockOutcome(post.id, "unlocked")


def _unlock(post_id: int) -> None:
    Post.objects.filter(id=post_id).update(locked_date=None)
    PostLock.objects.filter(post_id=post_id).delete()


def locks_expire(now: datetime | None = None) -> int:
    """The daily job: locks whose time ran out are unlocked by Community (the type 15 row),
    each in its own transaction; returns how many."""
    from quaestio.accounts.models import COMMUNITY_USER_ID, User

    now = now or timezone.now()
    community = User.objects.filter(id=COMMUNITY_USER_ID).first()
    expired = list(
        PostLock.objects.filter(until__lte=now).order_by("until").values_list("post_id", flat=True)
    )
    done = 0
    for post_id in expired:
        with transaction.atomic():
            locked_post(post_id)
            row = PostLock.objects.filter(post_id=post_id, until__lte=now).first()
            if row is None:  # relocked or unlocked meanwhile
                continue
            _unlock(post_id)
            if community is not None:
                state_history(post_id, PostHistoryType.POST_UNLOCKED, community, now)
            done += 1
    return done
