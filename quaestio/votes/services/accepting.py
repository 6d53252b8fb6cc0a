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
from quaestio.posts.models import Post, PostType
from quaestio.reputation import rules as rep_rules
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason
from quaestio.votes import policies
from quaestio.votes.models import Vote, VoteType


@dataclass
class AcceptOutcome:
    question_id: int
    accepted_answer_id: int | None


def answer_accept_toggle(user, answer_id: int, now: datetime | None = None) -> AcceptOutcome:
    """Accept the answer, or un-accept it if it is the accepted one; moves the mark otherwise."""
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
        if previous_id is not None:
            _unaccept(question, previous_id, now)
        if previous_id == answer.id:
            accepted = None
        else:
            _accept(question, answer, now)
            accepted = answer.id
        Post.objects.filter(id=question.id).update(accepted_answer_id=accepted)
    transaction.on_commit(lambda: _after_accept([user.id, answer.owner_id]))
    return AcceptOutcome(question.id, accepted)


def _accept(question: Post, answer: Post, now: datetime) -> None:
    vote = Vote.objects.create(
        post_id=answer.id,
        vote_type=VoteType.ACCEPTED_BY_ORIGINATOR,
        user_id=question.owner_id,
        creation_date=now,
    )
    self_answer = answer.owner_id == question.owner_id
    if self_answer or answer.community_owned_date is not None:
        return
    ledger.lock_users([question.owner_id, answer.owner_id])
    ledger.change(
        answer.owner_id,
        rep_rules.ACCEPTED_ANSWER,
        Reason.ACCEPT,
        post_id=answer.id,
        vote_id=vote.id,
        now=now,
    )
    ledger.change(
        question.owner_id,
        rep_rules.ACCEPTER,
        Reason.ACCEPTER,
        post_id=answer.id,
        vote_id=vote.id,
        now=now,
    )


def _unaccept(question: Post, answer_id: int, now: datetime) -> None:
    for vote in Vote.objects.filter(
        post_id=answer_id, vote_type=VoteType.ACCEPTED_BY_ORIGINATOR
    ).order_by("id"):
        vote_id = vote.id
        Vote.objects.filter(id=vote_id).delete()
        ledger.undo_vote(vote_id, now=now)


def _after_accept(user_ids) -> None:
    from quaestio.badges.tasks import check_badges

    check_badges(accepted=list(user_ids))
