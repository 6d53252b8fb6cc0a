"""Bounties (spec §5.8): offered, paid up front, awarded by hand or half by the rule.

The dump records a bounty as two Vote rows: type 8 (BountyStart) on the question with the
amount, and type 9 (BountyClose) on the answer that received it. The Bounty row keeps the life
in between (who, until when, what happened), which the dump does not.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.notifications.models import Notification
from quaestio.notifications.services import notify_later
from quaestio.posts.models import Post, PostType
from quaestio.posts.thread_version import thread_changed
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason
from quaestio.votes import policies, rules
from quaestio.votes.models import Bounty, BountyState, Vote, VoteType


def bounty_offer(
    user: User, question_id: int, amount: int, reason: str, now: datetime | None = None
) -> Bounty:
    now = now or timezone.now()
    if reason not in rules.BOUNTY_REASONS:
        raise ValidationFailed("Choose one of the bounty reasons.")
    with transaction.atomic():
        question = (
            Post.objects.select_for_update()
            .filter(id=question_id, post_type=PostType.QUESTION)
            .first()
        )
        if question is None:
            raise NotFound("No question with that id.")
        ledger.lock_users([user.id])
        user.refresh_from_db(fields=["reputation"])
        problem = policies.can_offer_bounty(
            user,
            question,
            amount,
            now,
            has_open_bounty=Bounty.objects.filter(
                question_id=question.id, state=BountyState.OPEN
            ).exists(),
            open_bounties_of_user=Bounty.objects.filter(
                offerer_id=user.id, state=BountyState.OPEN
            ).count(),
            answered_by_user=Post.objects.filter(
                parent_id=question.id, owner_id=user.id, deletion_date__isnull=True
            ).exists(),
        )
        if problem:
            raise PermissionDenied(problem)
        start = Vote.objects.create(
            post_id=question.id,
            vote_type=VoteType.BOUNTY_START,
            user_id=user.id,
            creation_date=now,
            bounty_amount=amount,
        )
        bounty = Bounty.objects.create(
            question_id=question.id,
            offerer_id=user.id,
            amount=amount,
            reason=reason,
            started_at=now,
            ends_at=now + rules.BOUNTY_DURATION,
            start_vote=start,
        )
        ledger.change(
            user.id,
            -amount,
            Reason.BOUNTY_OFFERED,
            post_id=question.id,
            event_id=bounty.id,
            now=now,
        )
        thread_changed(question.id)
    transaction.on_commit(lambda: _check_badges([user.id]))
    return bounty


def bounty_award(user: User, answer_id: int, now: datetime | None = None) -> Bounty:
    """The offerer awards the open bounty on the answer's question, in full."""
    now = now or timezone.now()
    with transaction.atomic():
        answer = Post.objects.filter(id=answer_id, post_type=PostType.ANSWER).first()
        if answer is None:
            raise NotFound("No answer with that id.")
        Post.objects.select_for_update().filter(id=answer.parent_id).first()
        bounty = (
            Bounty.objects.select_for_update()
            .filter(question_id=answer.parent_id, state=BountyState.OPEN)
            .first()
        )
        if bounty is None:
            raise NotFound("This question has no open bounty.")
        problem = policies.can_award_bounty(user, bounty, answer, now)
        if problem:
            raise PermissionDenied(problem)
        _pay(bounty, answer, bounty.amount, BountyState.AWARDED, now)
    transaction.on_commit(lambda: _check_badges([user.id, answer.owner_id]))
    return bounty


def _pay(bounty: Bounty, answer: Post, amount: int, state: str, now: datetime) -> None:
    Vote.objects.create(
        post_id=answer.id,
        vote_type=VoteType.BOUNTY_CLOSE,
        user_id=bounty.offerer_id,
        creation_date=now,
        bounty_amount=amount,
    )
    # Bounties pay even on community-wiki answers (spec §1.1).
    ledger.change(
        answer.owner_id,
        amount,
        Reason.BOUNTY_AWARDED,
        post_id=answer.id,
        event_id=bounty.id,
        now=now,
    )
    bounty.state = state
    bounty.awarded_answer_id = answer.id
    bounty.awarded_amount = amount
    bounty.closed_at = now
    bounty.save(update_fields=["state", "awarded_answer", "awarded_amount", "closed_at"])
    notify_later(
        answer.owner_id,
        Notification.BOUNTY,
        actor_id=bounty.offerer_id if state == BountyState.AWARDED else None,
        post_id=answer.id,
        summary=f"Your answer was awarded a bounty of {amount} reputation.",
    )
    thread_changed(answer.id)


def auto_award_candidate(bounty: Bounty) -> Post | None:
    """The highest-scoring answer posted after the bounty started, score ≥ 2; ties → older."""
    return (
        Post.objects.filter(
            parent_id=bounty.question_id,
            post_type=PostType.ANSWER,
            deletion_date__isnull=True,
            creation_date__gt=bounty.started_at,
            score__gte=rules.BOUNTY_AUTO_AWARD_MIN_SCORE,
        )
        .exclude(owner_id=bounty.offerer_id)
        .order_by("-score", "creation_date", "id")
        .first()
    )


def bounties_close_expired(now: datetime | None = None) -> dict[str, int]:
    """The daily (or hourly) job: close bounties whose grace period is over (spec §5.8)."""
    now = now or timezone.now()
    outcome = {"auto_awarded": 0, "expired": 0}
    due = Bounty.objects.filter(
        state=BountyState.OPEN, ends_at__lt=now - rules.BOUNTY_GRACE
    ).values_list("id", flat=True)
    for bounty_id in list(due):
        with transaction.atomic():
            bounty = Bounty.objects.select_for_update().get(id=bounty_id)
            if bounty.state != BountyState.OPEN:
                continue
            Post.objects.select_for_update().filter(id=bounty.question_id).first()
            answer = auto_award_candidate(bounty)
            if answer is not None:
                _pay(bounty, answer, bounty.amount // 2, BountyState.AUTO_AWARDED, now)
                outcome["auto_awarded"] += 1
                owner_id = answer.owner_id
                transaction.on_commit(lambda owner_id=owner_id: _check_badges([owner_id]))
            else:
                bounty.state = BountyState.EXPIRED
                bounty.closed_at = now
                bounty.save(update_fields=["state", "closed_at"])
                outcome["expired"] += 1
    return outcome


def _check_badges(user_ids) -> None:
    from quaestio.badges.tasks import check_badges

    check_badges(bounty=list(user_ids))
