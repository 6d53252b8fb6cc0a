"""Flags on posts and comments, and their automatic outcomes (spec §7.8, §11).

Raising a flag locks the flagged post first (an answer's question after it, the order the
deletion services use), so flags on one post serialise: the sixth spam or rude flag deletes
the post, locks it, takes 100 reputation from its author and casts Community's downvote in the
same transaction as the flag, once, however many flaggers press at the same moment. The
partial unique constraints on Flag keep one standing flag per user and post (or comment).

Handling by moderators, and what happens to flags when their post goes some other way, is in
`moderation.flag_handling`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from quaestio.accounts import limits
from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.comments.models import Comment
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.moderation import policies, rules
from quaestio.moderation.events import post_flagged
from quaestio.moderation.models import Flag, FlaggerRecord, FlagState, PostLock, ReviewQueue
from quaestio.moderation.review_tasks import close_review_tasks, enqueue_for_review
from quaestio.moderation.writes import state_history
from quaestio.posts.models import Post, PostHistoryType, PostType
from quaestio.reputation.services import utc_day_bounds

PENDING = FlagState.PENDING
MAX_TEXT = 500
COMMENT_FLAG_INTERVAL_SECONDS = 5  # one comment flag per 5 s (spec §6.1, §11)


@dataclass(frozen=True)
class FlagKind:
    key: str
    title: str
    description: str
    red: bool = False  # spam and rude: six delete the post (spec §7.8)
    answers_only: bool = False
    questions_only: bool = False
    needs_text: bool = False  # the flagger explains in their own words
    low_quality: bool = False  # sends the post to the low-quality review queue


# The post flag dialog's choices, in its order (spec §7.8; the labels are SE's current ones).
SPAM = FlagKind(
    "spam",
    "Spam",
    "Exists only to promote a product or service, and does not disclose the author's affiliation.",
    red=True,
)
RUDE = FlagKind(
    "rude",
    "Rude or abusive",
    "A reasonable person would find this content inappropriate for respectful discourse.",
    red=True,
)
NOT_AN_ANSWER = FlagKind(
    "not_an_answer",
    "Not an answer",
    "This was posted as an answer, but it does not attempt to answer the question. It should "
    "possibly be an edit, a comment, another question, or deleted altogether.",
    answers_only=True,
    low_quality=True,
)
VERY_LOW_QUALITY = FlagKind(
    "very_low_quality",
    "Very low quality",
    "This post has severe formatting or content problems. It is unlikely to be salvageable "
    "through editing, and might need to be removed.",
    low_quality=True,
)
NEEDS_IMPROVEMENT = FlagKind(
    "needs_improvement",
    "Needs improvement",
    "A duplicate, or a question that needs details, focus or facts rather than opinions: it "
    "should be closed until it is improved.",
    questions_only=True,
)
MODERATOR = FlagKind(
    "moderator",
    "In need of moderator intervention",
    "A problem not listed above that needs a moderator. Be specific and detailed.",
    needs_text=True,
)
POST_FLAGS = (SPAM, RUDE, NOT_AN_ANSWER, VERY_LOW_QUALITY, NEEDS_IMPROVEMENT, MODERATOR)
POST_FLAGS_BY_KEY = {kind.key: kind for kind in POST_FLAGS}

NO_LONGER_NEEDED = FlagKind(
    "no_longer_needed",
    "It's no longer needed",
    "This comment is outdated, conversational or not relevant to this post.",
)
COMMENT_FLAGS = (
    FlagKind(
        "harassment",
        "Harassment, bigotry, or abuse",
        "This comment attacks a person or group.",
        red=True,
    ),
    FlagKind(
        "unfriendly",
        "Unfriendly or unkind",
        "This comment is rude or condescending.",
    ),
    NO_LONGER_NEEDED,
    FlagKind(
        "something_else",
        "Something else",
        "A problem not listed above. Be specific and detailed.",
        needs_text=True,
    ),
)
COMMENT_FLAGS_BY_KEY = {kind.key: kind for kind in COMMENT_FLAGS}
RED_KEYS = tuple(kind.key for kind in POST_FLAGS if kind.red)


def kind_title(key: str) -> str:
    kind = POST_FLAGS_BY_KEY.get(key) or COMMENT_FLAGS_BY_KEY.get(key)
    return kind.title if kind else key


# The rules' numbers: settings with the spec's values as defaults.


def spam_flags_needed() -> int:
    """Spam or rude flags that delete a post: 6 (spec §7.8, §7.6)."""
    return max(1, int(getattr(settings, "QUAESTIO_SPAM_FLAGS_TO_DELETE", 6)))


def moderator_flags_bind() -> bool:
    """A moderator's spam or rude flag deletes the post alone (spec §7.6)."""
    return bool(getattr(settings, "QUAESTIO_MODERATOR_FLAG_BINDING", True))


def obsolete_flags_needed() -> int:
    """ "No longer needed" flags that delete a comment. The spec names no number; 3 is Stack
    Exchange's long-standing one for comments."""
    return max(1, int(getattr(settings, "QUAESTIO_OBSOLETE_COMMENT_FLAGS_TO_DELETE", 3)))


def flag_record(user_id: int) -> dict[str, int]:
    """The user's flags by outcome, from their counters (one query by primary key)."""
    row = FlaggerRecord.objects.filter(user_id=user_id).values(*FlagState.values).first()
    return row or {state: 0 for state in FlagState.values}


def move_records(moves: dict[tuple[int, str | None, str], int]) -> None:
    """Move flaggers' counters: {(user id, from state or None, to state): how many}. Users in
    id order, each an atomic F() update, so concurrent moves add up."""
    from django.db.models import F

    for (user_id, old, new), count in sorted(moves.items(), key=lambda kv: (kv[0][0], kv[0][2])):
        changes = {new: F(new) + count}
        if old is not None:
            changes[old] = F(old) - count
        if not FlaggerRecord.objects.filter(user_id=user_id).update(**changes):
            try:
                with transaction.atomic():
                    FlaggerRecord.objects.create(user_id=user_id)
            except IntegrityError:
                pass  # created by a concurrent flag of theirs
            FlaggerRecord.objects.filter(user_id=user_id).update(**changes)


def daily_allowance(user, record: dict[str, int] | None = None) -> int:
    """Flags a day in each pool: 10, one more for every 10 helpful flags beyond the declined
    ones, up to 100 (spec §7.8: "10 per day by default, rising to 100 with flagging history";
    the step is ours, a setting). Moderators are not counted."""
    base = int(getattr(settings, "QUAESTIO_FLAGS_PER_DAY", 10))
    most = max(base, int(getattr(settings, "QUAESTIO_FLAGS_PER_DAY_MAX", 100)))
    step = max(1, int(getattr(settings, "QUAESTIO_HELPFUL_FLAGS_PER_EXTRA_FLAG", 10)))
    record = record if record is not None else flag_record(user.id)
    earned = max(0, record[FlagState.HELPFUL] - record[FlagState.DECLINED]) // step
    return min(most, base + earned)


def flags_used_today(user_id: int, on_comments: bool, now: datetime) -> int:
    start, end = utc_day_bounds(now)
    return Flag.objects.filter(
        user_id=user_id,
        creation_date__gte=start,
        creation_date__lt=end,
        comment__isnull=not on_comments,
    ).count()


def flags_left_today(user, on_comments: bool, now: datetime | None = None) -> int | None:
    """What is left of today's allowance in the pool (None: moderators have no limit)."""
    if user.is_moderator:
        return None
    now = now or timezone.now()
    return max(0, daily_allowance(user) - flags_used_today(user.id, on_comments, now))


@dataclass
class FlagOutcome:
    action: str  # "flagged", "unchanged", "deleted", "close_flagged", "close_dialog"
    post_id: int
    comment_id: int | None = None
    message: str = ""


# Raising flags


def _lock_post(post_id: int) -> Post:
    post = Post.objects.select_for_update().filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound("No post with that id.")
    if post.parent_id:
        post.parent = Post.objects.select_for_update().filter(id=post.parent_id).first()
    return post


def _clean_text(kind: FlagKind, text: str) -> str:
    text = " ".join((text or "").split())
    if kind.needs_text and not text:
        raise ValidationFailed("Say what the problem is, in a few words.", {"text": ["required"]})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            f"A flag's explanation takes at most {MAX_TEXT} characters; it has {len(text)}.",
            {"text": ["too long"]},
        )
    return text if kind.needs_text else ""


def _check_allowance(user, on_comments: bool, now: datetime) -> None:
    left = flags_left_today(user, on_comments, now)
    if left is not None and left <= 0:
        pool = "comment flags" if on_comments else "flags"
        raise RateLimited(
            f"You have used all your {pool} for today; more come at midnight UTC (helpful "
            "flags raise your daily allowance)."
        )


def post_flag_raise(
    user, post_id: int, kind_key: str, text: str = "", close_reason: str = "", now=None
) -> FlagOutcome:
    """Flag a post. "Needs improvement" on a question is a close flag (for users below the
    close privilege, with one of the standard reasons) or, for those who may vote, the close
    dialog: the outcome says so."""
    kind = POST_FLAGS_BY_KEY.get(kind_key)
    if kind is None:
        raise ValidationFailed("Choose why you are flagging this post.", {"kind": ["unknown"]})
    if kind is NEEDS_IMPROVEMENT:
        return _needs_improvement(user, post_id, close_reason, now)
    with transaction.atomic():
        post = _lock_post(post_id)
        now = now or timezone.now()  # read after the lock: the order of events is the lock's
        allowed, reason = policies.can_flag_post(user, post)
        if not allowed:
            raise PermissionDenied(reason)
        refusal = _kind_refusal(user, post, kind)
        if refusal:
            raise PermissionDenied(refusal)
        text = _clean_text(kind, text)
        mine = Flag.objects.filter(post_id=post.id, comment=None, user_id=user.id, state=PENDING)
        if mine.exists():
            return FlagOutcome("unchanged", post.id, message="You have already flagged this post.")
        _check_allowance(user, False, now)
        try:
            with transaction.atomic():
                Flag.objects.create(
                    post=post, user=user, kind=kind.key, text=text, creation_date=now
                )
                move_records({(user.id, None, PENDING): 1})
        except IntegrityError:  # the same user's other request got there first
            return FlagOutcome("unchanged", post.id, message="You have already flagged this post.")
        if kind.red and _red_flags_decide(user, post):
            _delete_as_spam(post, kind, user, now)
            return FlagOutcome("deleted", post.id, message="Thanks: the post was deleted.")
        if kind.low_quality:
            enqueue_for_review(ReviewQueue.LOW_QUALITY, post.id, reason=f"flagged: {kind.title}")
        transaction.on_commit(
            lambda: post_flagged.send(sender=None, post_id=post.id, kind=kind.key)
        )
        return FlagOutcome("flagged", post.id, message="Thanks for your flag.")


def _kind_refusal(user, post: Post, kind: FlagKind) -> str:
    if kind.answers_only and post.post_type != PostType.ANSWER:
        return f'Only answers can be flagged as "{kind.title.lower()}".'
    if kind.questions_only and post.post_type != PostType.QUESTION:
        return f'Only questions can be flagged as "{kind.title.lower()}".'
    if post.owner_id == user.id and kind is not MODERATOR:
        return "On your own post, flag only for a moderator's attention (or edit or delete it)."
    return ""


def _red_flags_decide(user, post: Post) -> bool:
    """Enough spam and rude flags stand (counted under the post's lock), or a moderator's."""
    if user.is_moderator and moderator_flags_bind():
        return True
    standing = Flag.objects.filter(
        post_id=post.id, comment=None, kind__in=RED_KEYS, state=PENDING
    ).count()
    return standing >= spam_flags_needed()


def _needs_improvement(user, post_id: int, close_reason: str, now) -> FlagOutcome:
    from quaestio.moderation import services as closing

    post = Post.objects.filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound("No post with that id.")
    if post.post_type != PostType.QUESTION:
        raise PermissionDenied('Only questions can be flagged as "needs improvement".')
    if policies.can_vote_to_close(user, post)[0]:
        return FlagOutcome("close_dialog", post.id, message="Vote to close instead.")
    standard = rules.REASONS_BY_KEY.get(close_reason)
    if standard is None or standard is rules.DUPLICATE:
        # A duplicate needs its original, a site reason its choice: the close dialog asks.
        return FlagOutcome("close_dialog", post.id, message="Choose the close reason.")
    outcome = closing.close_flag_raise(user, post.id, standard.key, now=now)
    action = "unchanged" if outcome.action == "unchanged" else "close_flagged"
    return FlagOutcome(action, post.id, message=outcome.message)


def comment_flag_raise(user, comment_id: int, kind_key: str, text: str = "", now=None):
    """Flag a comment; enough "no longer needed" flags (or a moderator's) remove it."""
    kind = COMMENT_FLAGS_BY_KEY.get(kind_key)
    if kind is None:
        raise ValidationFailed("Choose why you are flagging this comment.", {"kind": ["unknown"]})
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(id=comment_id).first()
        if comment is None:
            raise NotFound("No comment with that id.")
        now = now or timezone.now()
        post = Post.objects.filter(id=comment.post_id).first()
        allowed, reason = policies.can_flag_comment(user, comment, post)
        if not allowed:
            raise PermissionDenied(reason)
        text = _clean_text(kind, text)
        mine = Flag.objects.filter(comment_id=comment.id, user_id=user.id, state=PENDING)
        if mine.exists():
            return FlagOutcome(
                "unchanged", post.id, comment.id, "You have already flagged this comment."
            )
        _check_allowance(user, True, now)
        if not user.is_moderator and not limits.claim_interval(
            "comment-flag", user.id, COMMENT_FLAG_INTERVAL_SECONDS
        ):
            raise RateLimited("You can flag a comment only once every 5 seconds.", retry_after=5)
        try:
            with transaction.atomic():
                Flag.objects.create(
                    post_id=post.id,
                    comment=comment,
                    user=user,
                    kind=kind.key,
                    text=text,
                    creation_date=now,
                )
                move_records({(user.id, None, PENDING): 1})
        except IntegrityError:
            return FlagOutcome(
                "unchanged", post.id, comment.id, "You have already flagged this comment."
            )
        if _comment_flags_decide(user, comment, kind):
            _remove_comment(comment, now)
            return FlagOutcome("deleted", post.id, comment.id, "Thanks: the comment was removed.")
        return FlagOutcome("flagged", post.id, comment.id, "Thanks for your flag.")


def _comment_flags_decide(user, comment: Comment, kind: FlagKind) -> bool:
    if kind is not NO_LONGER_NEEDED:
        return False
    if user.is_moderator and moderator_flags_bind():
        return True
    standing = Flag.objects.filter(
        comment_id=comment.id, kind=NO_LONGER_NEEDED.key, state=PENDING
    ).count()
    return standing >= obsolete_flags_needed()


def _remove_comment(comment: Comment, now: datetime) -> None:
    from quaestio.comments import services as comment_services

    comment_services.comment_remove(comment.id)
    resolve_flags(Flag.objects.filter(comment_id=comment.id, state=PENDING), now, note="removed")


def resolve_flags(flags, now, state=FlagState.HELPFUL, note: str = "", by=None) -> int:
    """End the pending flags among `flags` (a queryset) with an outcome, moving their
    flaggers' counters in the same transaction; returns how many."""
    with transaction.atomic():
        ids_by_user: dict[int, list[int]] = {}
        # Locked: a concurrent resolver waits, then finds them no longer pending, so each
        # flag moves its flagger's counters once.
        pending = flags.filter(state=PENDING).select_for_update().order_by("id")
        for flag_id, user_id in pending.values_list("id", "user_id"):
            ids_by_user.setdefault(user_id, []).append(flag_id)
        ids = [i for group in ids_by_user.values() for i in group]
        if not ids:
            return 0
        done = Flag.objects.filter(id__in=ids, state=PENDING).update(
            state=state, resolved_date=now, outcome_note=note[:500], handled_by=by
        )
        move_records({(uid, PENDING, str(state)): len(group) for uid, group in ids_by_user.items()})
        return done


# The outcome of six red flags (spec §7.8)


def _delete_as_spam(post: Post, kind: FlagKind, flagger, now: datetime) -> None:
    """Community's downvote, the deletion, the lock and the author's −100, in the flag's
    transaction (the post and an answer's question are locked). A moderator's binding flag is
    a moderator action: it goes to the audit log."""
    from quaestio.moderation.deletion import dismiss_pending, voters_json
    from quaestio.posts.services import apply_deletion
    from quaestio.reputation import rules as rep_rules
    from quaestio.reputation import services as ledger
    from quaestio.reputation.models import Reason
    from quaestio.votes.services.voting import community_downvote

    community = User.objects.filter(id=COMMUNITY_USER_ID).first() or flagger
    community_downvote(post, now)
    post.refresh_from_db(fields=["score"])
    apply_deletion(post, community, now, voters_json([community.id]), kind.title)
    ledger.change(
        post.owner_id, rep_rules.SPAM_PENALTY, Reason.SPAM_PENALTY, post_id=post.id, now=now
    )
    Post.objects.filter(id=post.id).update(locked_date=now)
    PostLock.objects.update_or_create(
        post_id=post.id,
        defaults={"kind": "no_notice", "moderator": None, "creation_date": now, "until": None},
    )
    state_history(post.id, PostHistoryType.POST_LOCKED, community, now, LockType="no_notice")
    dismiss_pending(post.id, now)
    close_review_tasks(post.id, outcome="deleted as spam", at=now)
    resolve_flags(
        Flag.objects.filter(post_id=post.id, state=PENDING), now, note=f"deleted: {kind.title}"
    )
    if flagger.is_moderator:
        from quaestio.moderation.audit import record_moderator_action

        record_moderator_action(
            flagger,
            "flag-delete-spam" if kind is SPAM else "flag-delete-rude",
            post_id=post.id,
            target_user_id=post.owner_id,
            details=f"binding {kind.title.lower()} flag: deleted, locked, −100 to the author",
            at=now,
        )
