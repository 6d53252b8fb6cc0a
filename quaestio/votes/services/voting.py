"""Casting, retracting and switching votes on posts; comment upvotes.

One vote per voter per post, kept as the dump keeps it (a Vote row of type 2 or 3 with the
voter). Retracting deletes the row; switching deletes it and casts the other. The post is locked
first, then the users whose reputation moves, so concurrent votes on one post serialise and the
score always equals the sum of its Vote rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.posts.models import Post, PostType
from quaestio.reputation import rules as rep_rules
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason
from quaestio.reputation.services import utc_day_bounds
from quaestio.search import services as search_services
from quaestio.votes import policies
from quaestio.votes.models import CommentVote, Vote, VoteType

DIRECTIONS = {"up": VoteType.UP_MOD, "down": VoteType.DOWN_MOD}
SCORE_DELTA = {VoteType.UP_MOD: 1, VoteType.DOWN_MOD: -1}


@dataclass
class VoteOutcome:
    post_id: int
    score: int
    vote_type: int | None  # the viewer's standing vote after the action, None if none
    action: str  # "cast", "retracted" or "switched"


def votes_cast_today(user_id: int, now: datetime) -> int:
    start, end = utc_day_bounds(now)
    return Vote.objects.filter(
        user_id=user_id,
        vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD),
        creation_date__gte=start,
        creation_date__lt=end,
    ).count()


def vote_cast(user: User, post_id: int, direction: str, now: datetime | None = None) -> VoteOutcome:
    """Vote up or down; the same vote again retracts it, the other one switches (spec §4)."""
    if direction not in DIRECTIONS:
        raise ValidationFailed("A vote is either up or down.")
    vote_type = DIRECTIONS[direction]
    now = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(id=post_id).first()
        if post is None:
            raise NotFound("No post with that id.")
        frozen = policies.post_frozen_reason(post)
        if frozen:
            raise PermissionDenied(frozen)
        existing = (
            Vote.objects.filter(post_id=post.id, user_id=user.id, vote_type__in=tuple(SCORE_DELTA))
            .order_by("id")
            .first()
        )
        if existing is not None:
            reason = policies.can_change_vote(existing, post, now)
            if reason:
                raise PermissionDenied(reason)
            if existing.vote_type == vote_type:
                _retract(post, existing, now)
                action = "retracted"
                standing = None
            else:
                _check_may_vote(user, post, vote_type, now, replacing=existing)
                _retract(post, existing, now)
                _cast(user, post, vote_type, now)
                action, standing = "switched", vote_type
        else:
            _check_may_vote(user, post, vote_type, now, replacing=None)
            _cast(user, post, vote_type, now)
            action, standing = "cast", vote_type
        score = Post.objects.values_list("score", flat=True).get(id=post.id)
    transaction.on_commit(lambda: _after_vote(user.id, post.owner_id))
    return VoteOutcome(post.id, score, standing, action)


def _check_may_vote(user, post: Post, vote_type: int, now: datetime, replacing) -> None:
    reason = policies.can_vote_on_post(user, post, vote_type)
    if reason:
        raise PermissionDenied(reason)
    used = votes_cast_today(user.id, now)
    if (
        replacing is not None
        and utc_day_bounds(replacing.creation_date)[0] == utc_day_bounds(now)[0]
    ):
        used -= 1  # a switch replaces today's vote, it does not add one
    reason = policies.daily_vote_limit_reason(used, post)
    if reason:
        raise RateLimited(reason)


def _earns_reputation(post: Post) -> bool:
    return post.community_owned_date is None and post.owner_id is not None


def _cast(user, post: Post, vote_type: int, now: datetime) -> Vote:
    vote = Vote.objects.create(
        post_id=post.id, vote_type=vote_type, user_id=user.id, creation_date=now
    )
    Post.objects.filter(id=post.id).update(score=F("score") + SCORE_DELTA[vote_type])
    search_services.schedule_score(post.id)
    counter = "up_votes" if vote_type == VoteType.UP_MOD else "down_votes"
    if _earns_reputation(post):
        ledger.lock_users([user.id, post.owner_id])
        if vote_type == VoteType.UP_MOD:
            amount = (
                rep_rules.QUESTION_UPVOTE
                if post.post_type == PostType.QUESTION
                else rep_rules.ANSWER_UPVOTE
            )
            ledger.change(
                post.owner_id, amount, Reason.UPVOTE, post_id=post.id, vote_id=vote.id, now=now
            )
        else:
            ledger.change(
                post.owner_id,
                rep_rules.POST_DOWNVOTE,
                Reason.DOWNVOTE,
                post_id=post.id,
                vote_id=vote.id,
                now=now,
            )
            if post.post_type == PostType.ANSWER:
                ledger.change(
                    user.id,
                    rep_rules.ANSWER_DOWNVOTE_COST,
                    Reason.DOWNVOTED_ANSWER,
                    post_id=post.id,
                    vote_id=vote.id,
                    now=now,
                )
    User.objects.filter(id=user.id).update(**{counter: F(counter) + 1})
    return vote


def _retract(post: Post, vote: Vote, now: datetime, reason: str | None = None) -> None:
    """Delete the vote, take back its score and exactly the reputation it gave."""
    Vote.objects.filter(id=vote.id).delete()
    Post.objects.filter(id=post.id).update(score=F("score") - SCORE_DELTA[vote.vote_type])
    search_services.schedule_score(post.id)
    ledger.undo_vote(vote.id, reason=reason, now=now)
    if vote.user_id is not None:
        counter = "up_votes" if vote.vote_type == VoteType.UP_MOD else "down_votes"
        User.objects.filter(id=vote.user_id, **{f"{counter}__gt": 0}).update(
            **{counter: F(counter) - 1}
        )


def reverse_votes(
    vote_ids: list[int], reason: str = Reason.REVERSAL, now: datetime | None = None
) -> int:
    """Invalidate votes (serial voting, a removed voter): scores and reputation follow."""
    now = now or timezone.now()
    reversed_count = 0
    for vote in Vote.objects.filter(id__in=vote_ids).order_by("post_id", "id"):
        with transaction.atomic():
            post = Post.objects.select_for_update().get(id=vote.post_id)
            # A deleted post's reputation is already removed; reversing its votes now would
            # take it twice. They are left for a run after an undelete.
            if post.deletion_date is not None or not Vote.objects.filter(id=vote.id).exists():
                continue
            _retract(post, vote, now, reason=reason)
            reversed_count += 1
    return reversed_count


def _after_vote(voter_id: int, owner_id: int | None) -> None:
    from quaestio.badges.tasks import check_badges

    check_badges(voted=[voter_id], scored=[owner_id])


@dataclass
class CommentVoteOutcome:
    comment_id: int
    score: int
    voted: bool


def comment_vote_toggle(
    user: User, comment_id: int, now: datetime | None = None
) -> CommentVoteOutcome:
    """Upvote a comment, or take the upvote back. No reputation moves (spec §4)."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(id=comment_id).first()
        if comment is None:
            raise NotFound("No comment with that id.")
        existing = CommentVote.objects.filter(comment_id=comment.id, user_id=user.id).first()
        if existing is not None:
            existing.delete()
            Comment.objects.filter(id=comment.id).update(score=F("score") - 1)
            voted = False
        else:
            start, end = utc_day_bounds(now)
            today = CommentVote.objects.filter(
                user_id=user.id, creation_date__gte=start, creation_date__lt=end
            ).count()
            reason = policies.can_vote_on_comment(user, comment)
            if reason:
                raise PermissionDenied(reason)
            reason = policies.comment_vote_limit_reason(today)
            if reason:
                raise RateLimited(reason)
            CommentVote.objects.create(comment_id=comment.id, user_id=user.id, creation_date=now)
            Comment.objects.filter(id=comment.id).update(score=F("score") + 1)
            voted = True
        score = Comment.objects.values_list("score", flat=True).get(id=comment.id)
    return CommentVoteOutcome(comment.id, score, voted)
