"""Reviewing (spec §7.9): a reviewer's action on a review task, and the item's completion.

Every review locks the post, then the task (the order the closing and deletion services keep:
they lock the post, then end its tasks), so reviews of one item serialise: the review that
reaches the number needed completes the item in its own transaction, once, however many
reviewers press at the same moment; the others are told the item is completed and change
nothing. A reviewer's second post for the same item is refused (and the unique constraint on
(task, user) would refuse it if a check were ever missed).

The actions themselves go through the rooms that own them: close and reopen votes through
`moderation.services`, delete votes through `moderation.deletion`, edits through
`posts.services.post_edit`, the canned feedback through `comments.services` as Community.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation import review_policies, review_rules
from quaestio.moderation.flag_handling import flags_dispute
from quaestio.moderation.models import (
    Review,
    ReviewAction,
    ReviewQueue,
    ReviewTask,
    ReviewTaskState,
)
from quaestio.moderation.review_tasks import enqueue_for_review
from quaestio.posts.models import Post

A = ReviewAction
VIA_REVIEW = "via Review"  # the PostHistory comment of a deletion decided in the queue


@dataclass
class ReviewOutcome:
    task_id: int
    action: str
    completed: bool  # the item's state afterwards
    outcome: str = ""  # the item's outcome when completed
    message: str = ""


def _locked(task_id: int) -> tuple[ReviewTask, Post]:
    """Lock the task's post (and an answer's question, as deletion does), then the task."""
    post_id = ReviewTask.objects.filter(id=task_id).values_list("post_id", flat=True).first()
    if post_id is None:
        raise NotFound("No review item with that id.")
    post = Post.objects.select_for_update().get(id=post_id)
    if post.parent_id:
        post.parent = Post.objects.select_for_update().filter(id=post.parent_id).first()
    task = ReviewTask.objects.select_for_update().get(id=task_id)
    return task, post


def _check(user, task: ReviewTask, post: Post, action: str, now: datetime) -> None:
    reviewed = Review.objects.filter(task_id=task.id, user_id=user.id).exists()
    allowed, reason = review_policies.can_review_task(
        user, task, post, action, now, reviewed=reviewed
    )
    if not allowed:
        raise PermissionDenied(reason)
    if action != A.SKIP and _has_standing_vote(user, task):
        raise PermissionDenied("You have already voted or flagged on this question.")


def _has_standing_vote(user, task: ReviewTask) -> bool:
    """In the close and reopen queues, a reviewer whose vote or flag stands has had their say."""
    from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState

    kinds = {ReviewQueue.CLOSE: CloseVoteKind.CLOSE, ReviewQueue.REOPEN: CloseVoteKind.REOPEN}
    if task.queue not in kinds:
        return False
    return CloseVote.objects.filter(
        question_id=task.post_id,
        user_id=user.id,
        kind=kinds[task.queue],
        state=CloseVoteState.PENDING,
    ).exists()


def review_submit(
    user,
    task_id: int,
    action: str,
    *,
    feedback: str = "",
    close_choice: dict | None = None,
    now: datetime | None = None,
) -> ReviewOutcome:
    """A reviewer's action on an item (every action but Edit, which is `review_edit`).

    `feedback`: the canned comment's key (Share feedback); `close_choice`: the close
    dialog's reason, site reason and originals (Close), as `close_vote_cast` takes them.
    """
    if action not in A.values or action == A.EDIT:
        raise ValidationFailed("Choose one of the review actions.")
    with transaction.atomic():
        task, post = _locked(task_id)
        now = now or timezone.now()  # read after the locks: the order of events is theirs
        _check(user, task, post, action, now)
        action, comment = _carry_out(user, task, post, action, feedback, close_choice, now)
        return _record(user, task, post, action, comment, now)


def review_edit(
    user, task_id: int, *, body: str, title: str = "", tags="", comment: str = ""
) -> ReviewOutcome:
    """Edit from the queue: the edit (or, below the edit privilege, the suggested edit) and
    the review are saved together; an edit that changes nothing saves neither."""
    from quaestio.posts.services import post_edit

    with transaction.atomic():
        task, post = _locked(task_id)
        now = timezone.now()
        _check(user, task, post, A.EDIT, now)
        result = post_edit(user, post.id, body=body, title=title, tags=tags, comment=comment)
        note = "suggested an edit" if result.suggestion is not None else "edited"
        post.refresh_from_db(fields=["closed_date", "deletion_date"])
        return _record(user, task, post, A.EDIT, note, now)


# Carrying out an action


def _carry_out(user, task, post, action, feedback, close_choice, now) -> tuple[str, str]:
    """Do what the action does outside the queue; returns the action as recorded (a 20k
    user's deletion recommendation is a delete vote) and the review's comment."""
    if action == A.FEEDBACK:
        return action, _post_feedback(post, feedback)
    if action == A.RECOMMEND_DELETION:
        return _recommend_deletion(user, task, post, now)
    if action == A.CLOSE:
        from quaestio.moderation.services import close_vote_cast

        choice = close_choice or {}
        outcome = close_vote_cast(
            user,
            post.id,
            choice.get("reason_key", ""),
            choice.get("off_topic_reason_id"),
            choice.get("originals", ()),
            now,
        )
        return action, _close_comment(choice, outcome.action)
    if action == A.REOPEN:
        from quaestio.moderation.services import reopen_vote_cast

        return action, reopen_vote_cast(user, post.id, now=now).action
    return action, ""


def _post_feedback(post: Post, key: str) -> str:
    from quaestio.comments.services import comment_add

    choices = review_rules.feedback_choices(post.is_question)
    if key not in choices:
        raise ValidationFailed("Choose the feedback to share.", {"feedback": ["unknown"]})
    community = User.objects.get(id=COMMUNITY_USER_ID)
    comment_add(community, post.id, choices[key][1], automatic=True)
    return choices[key][0]


def _recommend_deletion(user, task, post, now) -> tuple[str, str]:
    """First posts and late answers: the post goes to the low-quality queue. Low quality: a
    delete vote from those who may cast one (20k, moderators), a recommendation from others;
    both count toward the queue's deletion."""
    if task.queue != ReviewQueue.LOW_QUALITY:
        enqueue_for_review(
            ReviewQueue.LOW_QUALITY, post.id, reason=f"Recommended for deletion in {task.queue}"
        )
        return A.RECOMMEND_DELETION, "sent to low quality posts"
    from quaestio.moderation import policies
    from quaestio.moderation.deletion import delete_vote_cast

    if policies.can_vote_to_delete(user, post, now)[0]:
        outcome = delete_vote_cast(user, post.id, now)
        post.refresh_from_db(fields=["deletion_date"])
        return A.DELETE, outcome.action
    return A.RECOMMEND_DELETION, ""


def _close_comment(choice: dict, result: str) -> str:
    reason = choice.get("reason_key", "")
    return f"{reason}: {result}" if reason else result


# Recording and completing


def _record(user, task, post, action, comment, now) -> ReviewOutcome:
    Review.objects.create(
        task=task, user=user, queue=task.queue, action=action, comment=comment[:600],
        creation_date=now,
    )  # fmt: skip
    task.refresh_from_db(fields=["state", "outcome"])  # a closing or deletion may have ended it
    if action != A.SKIP:
        from quaestio.badges.tasks import check_badges

        transaction.on_commit(lambda: check_badges(reviewed=[user.id]))
    if task.state == ReviewTaskState.PENDING and action != A.SKIP:
        _complete_if_decided(user, task, post, action, now)
    return ReviewOutcome(
        task.id, action, task.state != ReviewTaskState.PENDING, task.outcome, _message(task)
    )


def _complete_if_decided(user, task, post, action, now) -> None:
    if post.deletion_date is not None:  # the review's own delete vote deleted it
        _complete(task, "deleted", now)
        return
    if getattr(user, "is_moderator", False):  # a moderator's review is binding
        _complete(task, action, now, user)
        return
    actions = list(
        Review.objects.filter(task_id=task.id)
        .exclude(action=A.SKIP)
        .values_list("action", flat=True)
    )
    for rule in review_rules.completions(task.queue):
        if sum(1 for a in actions if a in rule.actions) >= rule.needed:
            if rule.outcome == "deleted":
                _delete_by_review(task, post, now)
            _complete(task, rule.outcome or action, now, user)
            return


def _complete(task: ReviewTask, outcome: str, now, reviewer=None) -> None:
    ReviewTask.objects.filter(id=task.id, state=ReviewTaskState.PENDING).update(
        state=ReviewTaskState.COMPLETED, outcome=outcome[:40], completed_date=now
    )
    task.state, task.outcome, task.completed_date = ReviewTaskState.COMPLETED, outcome, now
    if task.queue == ReviewQueue.LOW_QUALITY and outcome == A.LOOKS_OK:
        # Reviewers found the post fine: the flags that sent it here are disputed (spec §7.8).
        flags_dispute(task.post_id, now)
    if task.queue == ReviewQueue.SOURCES_ADDED and outcome == A.APPROVE and reviewer is not None:
        from quaestio.moderation.citations import sources_approved

        sources_approved(task.post_id, reviewer, now)


def _delete_by_review(task: ReviewTask, post: Post, now) -> None:
    """Enough recommendations: the post is deleted as a delete vote would (the posts room's
    deletion, with the reviewers who recommended it as the voters)."""
    from quaestio.moderation.deletion import dismiss_pending
    from quaestio.moderation.services import voters_list
    from quaestio.posts.services import apply_deletion

    recommenders = list(
        Review.objects.filter(task_id=task.id, action__in=(A.RECOMMEND_DELETION, A.DELETE))
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    closer = User.objects.get(id=recommenders[-1])
    apply_deletion(post, closer, now, json.dumps({"Voters": voters_list(recommenders)}), VIA_REVIEW)
    dismiss_pending(post.id, now)


def _message(task: ReviewTask) -> str:
    if task.state == ReviewTaskState.PENDING:
        return "Thank you for reviewing."
    return f"Thank you for reviewing. This item is completed: {task.outcome}."
