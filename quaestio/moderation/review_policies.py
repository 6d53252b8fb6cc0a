"""Who may review which queue and item, and how often (spec §7.9). Each `can_*` returns
(allowed, reason); reputation is compared only through `has_privilege`."""

from __future__ import annotations

from datetime import datetime, time

from quaestio.moderation import review_rules
from quaestio.moderation.models import Review, ReviewAction, ReviewTask, ReviewTaskState
from quaestio.posts.models import Post
from quaestio.reputation.privileges import has_privilege

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")


def can_review_queue(user, queue: str) -> Decision:
    """The queue's threshold (§7.9): 500 first posts and late answers, 2,000 low quality,
    3,000 close and reopen (beta: 350, 1,000, 500); moderators review every queue."""
    rules = review_rules.QUEUES.get(queue)
    if rules is None:
        return False, "There is no such review queue."
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to review."
    if not user.is_active:
        return False, "This account is suspended."
    return has_privilege(user, rules.privilege)


def may_review_any_queue(user) -> bool:
    """Whether the top bar offers the review link (no query: reputation and role only)."""
    return can_review_suggested_edits(user)[0] or any(
        can_review_queue(user, queue)[0] for queue in review_rules.QUEUES
    )


def can_review_suggested_edits(user) -> Decision:
    """The suggested-edits queue's threshold (its items: posts.policies.can_review_suggested_edit)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to review."
    return has_privilege(user, "review_suggested_edits")


def reviews_today(user, queue: str, now: datetime) -> int:
    """The user's reviews in the queue since midnight UTC, skips aside (a bounded count: the
    index on (user, queue, creation_date) reads today's rows only)."""
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    return (
        Review.objects.filter(user_id=user.id, queue=queue, creation_date__gte=midnight)
        .exclude(action=ReviewAction.SKIP)
        .count()
    )


def daily_limit_refusal(user, queue: str, now: datetime) -> str:
    if getattr(user, "is_moderator", False):
        return ""
    limit = review_rules.daily_limit()
    if reviews_today(user, queue, now) >= limit:
        return (
            f"You have reached today's limit of {limit} reviews in this queue; come back tomorrow."
        )
    return ""


def can_review_task(
    user, task: ReviewTask, post: Post, action: str, now: datetime, *, reviewed: bool
) -> Decision:
    """May the user take `action` on this item now? `reviewed`: they already reviewed (or
    skipped) it. The action's own rules (a close vote's privilege, a delete vote's) are the
    services' that carry it out."""
    allowed, reason = can_review_queue(user, task.queue)
    if not allowed:
        return allowed, reason
    if action not in review_rules.QUEUES[task.queue].actions:
        return False, "That action is not offered in this queue."
    if task.state != ReviewTaskState.PENDING:
        return False, "This review item is completed; it takes no more reviews."
    if reviewed:
        return False, "You have already reviewed this item."
    if post.deletion_date is not None or (post.parent and post.parent.deletion_date is not None):
        return False, "This post is deleted."
    if post.owner_id is not None and post.owner_id == user.id:
        return False, "You cannot review your own post."
    if post.locked_date is not None:
        return False, "This post is locked; it takes no reviews."
    if action != ReviewAction.SKIP and (refusal := daily_limit_refusal(user, task.queue, now)):
        return False, refusal
    return ALLOWED
