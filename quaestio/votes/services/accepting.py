"""Accepting an answer: the asker marks one answer, may move or remove the mark (spec §5.4).

The dump records an accept as a Vote of type 1 on the answer; we keep the asker on it.
Reputation: +15 to the answerer, +2 to the asker; nothing for a self-answer or a CW answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied
from quaestio.notifications.models import Notification
from quaestio.notifications.services import notify_later
from quaestio.posts.models import Post, PostType
from quaestio.posts.thread_version import thread_changed
from quaestio.reputation import rules as rep_rules
from quaestio.reputation import services as ledger
from quaestio.votes import policies
from quaestio.votes.events import answer_accepted
from quaestio.votes.models import Vote, VoteType


@dataclass
class AcceptOutcome:
    question_id: int
    accepted_answer_id: int | None
    changed: bool = True  # False: the answer already was (or was not) the accepted one


def accept_set(
    user, answer_id: int, accepted: bool, *, flip: bool = False, now: datetime | None = None
) -> AcceptOutcome:
    """Make the answer the accepted one (moving the mark from another) or not (spec §5.4).

    Idempotent: accepting the accepted answer, or un-accepting one that is not accepted,
    changes nothing (`changed` is False). `flip` serves forms that send no intent: the
    accepted answer is un-accepted, any other accepted, decided under the lock.
    Lock order: the question, then the answer, then the users whose reputation moves.
    """
    now = now or timezone.now()
    with transaction.atomic():
        parent_id = (
            Post.objects.filter(id=answer_id, post_type=PostType.ANSWER)
            .values_list("parent_id", flat=True)
            .first()
        )
        if parent_id is None:
            raise NotFound("No answer with that id.")
        question = Post.objects.select_for_update().get(id=parent_id)
        answer = Post.objects.select_for_update().get(id=answer_id)
        reason = policies.can_accept(user, question, answer, now)
        if reason:
            raise PermissionDenied(reason)
        previous_id = question.accepted_answer_id
        is_accepted = previous_id == answer.id
        wanted = not is_accepted if flip else accepted
        if wanted == is_accepted:
            return AcceptOutcome(question.id, previous_id, changed=False)
        if previous_id is not None:
            _unaccept(previous_id)
        result = answer.id if wanted else None
        if wanted:
            _accept(question, answer, now)
        Post.objects.filter(id=question.id).update(accepted_answer_id=result)
        thread_changed(question.id)
    transaction.on_commit(lambda: _after_accept([user.id, answer.owner_id]))
    if wanted:
        transaction.on_commit(
            lambda: answer_accepted.send(sender=None, question_id=question.id, answer_id=answer.id)
        )
    return AcceptOutcome(question.id, result)


def _accept(question: Post, answer: Post, now: datetime) -> None:
    vote = Vote.objects.create(
        post_id=answer.id,
        vote_type=VoteType.ACCEPTED_BY_ORIGINATOR,
        user_id=question.owner_id,
        creation_date=now,
    )
    notify_later(
        answer.owner_id,
        Notification.ACCEPTED,
        actor_id=question.owner_id,
        post_id=answer.id,
        summary=f"Your answer was accepted: {question.title[:150]}",
    )
    if not rep_rules.earns_from_votes(answer.owner_id, answer.community_owned_date, now):
        return
    moves = rep_rules.accept_moves(answer.owner_id, question.owner_id)
    ledger.lock_users(user_id for user_id, _nominal, _reason in moves)
    for user_id, nominal, reason in moves:
        ledger.change(user_id, nominal, reason, post_id=answer.id, vote_id=vote.id, now=now)


def _unaccept(answer_id: int) -> None:
    """The accept vote goes, and its +15/+2 leave the ledger with it."""
    for vote_id in Vote.objects.filter(
        post_id=answer_id, vote_type=VoteType.ACCEPTED_BY_ORIGINATOR
    ).values_list("id", flat=True):
        Vote.objects.filter(id=vote_id).delete()
        ledger.withdraw(vote_id)


def _after_accept(user_ids) -> None:
    from quaestio.badges.tasks import check_badges

    check_badges(accepted=list(user_ids))
