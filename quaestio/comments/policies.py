"""Who may comment, edit and delete comments (spec §6.1): each returns (allowed, reason)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from quaestio.accounts.policies import suspension_refusal
from quaestio.moderation.locks import lock_refusal
from quaestio.reputation.privileges import has_privilege

Decision = tuple[bool, str]
EDIT_WINDOW = timedelta(minutes=5)
# Spec §6.1: own upvoted comments may be deleted under at most 20 posts per UTC day.
UPVOTED_DELETION_POSTS_PER_DAY = 20


def can_comment(user, post) -> Decision:
    question_owner_id = post.parent.owner_id if post.parent_id and post.parent else None
    return comment_decision(user, post, question_owner_id)


def comment_decision(user, post, question_owner_id: int | None) -> Decision:
    """May the user comment on the post? `question_owner_id`: for an answer, who asked its
    question (askers comment on every answer to their question); None for a question."""
    if user is None or not user.is_authenticated:
        return False, "You need to log in to comment."
    if refusal := suspension_refusal(user):
        return False, refusal
    if post.deletion_date:
        return False, "This post was deleted; it cannot take comments."
    if not user.is_moderator and (refusal := lock_refusal(post, "comment")):
        return False, refusal
    if post.owner_id == user.id:
        return True, ""
    if question_owner_id is not None and question_owner_id == user.id:
        return True, ""  # answers to your own question
    return has_privilege(user, "comment_everywhere")


def can_edit_comment(user, comment, now=None) -> Decision:
    if user is None or not user.is_authenticated:
        return False, "You need to log in to edit comments."
    if refusal := suspension_refusal(user):
        return False, refusal
    if comment.deletion_date:
        return False, "This comment was deleted."
    if user.is_moderator:
        return True, ""
    if comment.user_id != user.id:
        return False, "You can only edit your own comments."
    now = now or timezone.now()
    if now - comment.creation_date > EDIT_WINDOW:
        return False, "Comments can only be edited for 5 minutes after they are posted."
    return True, ""


def can_delete_comment(user, comment) -> Decision:
    return comment_delete_decision(
        user, comment, lambda: _upvoted_deletion_posts_today(user, exclude_post=comment.post_id)
    )


def comment_delete_decision(user, comment, upvoted_deletion_posts: Callable[[], int]) -> Decision:
    """`upvoted_deletion_posts()` counts the other posts under which the user deleted their own
    upvoted comments today; asked only for an upvoted comment of their own."""
    if user is None or not user.is_authenticated:
        return False, "You need to log in to delete comments."
    if refusal := suspension_refusal(user):
        return False, refusal
    if comment.deletion_date:
        return False, "This comment is already deleted."
    if user.is_moderator:
        return True, ""
    if comment.user_id != user.id:
        return False, "You can only delete your own comments."
    if comment.score > 0 and upvoted_deletion_posts() >= UPVOTED_DELETION_POSTS_PER_DAY:
        return False, (
            f"You have deleted your upvoted comments under {UPVOTED_DELETION_POSTS_PER_DAY} posts "
            "today, the daily limit; try again after 00:00 UTC."
        )
    return True, ""


def _upvoted_deletion_posts_today(user, exclude_post: int) -> int:
    return len(upvoted_deletion_post_ids_today(user) - {exclude_post})


def upvoted_deletion_post_ids_today(user) -> set[int]:
    """Posts under which the user deleted their own upvoted comments since 00:00 UTC."""
    from quaestio.comments.models import Comment

    day_start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return set(
        Comment.objects.filter(user_id=user.id, score__gt=0, deletion_date__gte=day_start)
        .values_list("post_id", flat=True)
        .distinct()
    )
