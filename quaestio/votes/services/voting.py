"""Votes on posts (up, down, none) and comment upvotes, set to what the user intends.

One vote per voter per post, kept as the dump keeps it (a Vote row of type 2 or 3 with the
voter). The services take the state the user wants, not a toggle: `vote_set(user, post, "up")`
twice leaves one upvote, so a retried or doubled request cannot undo itself. Retracting deletes
the row; switching deletes it and casts the other.

Lock order: the post (or comment) first, with `select_for_update`, then the users whose
reputation moves, in id order (`reputation.services.lock_users`). The standing vote is read
under the post's lock, so concurrent requests on one post serialise and the score always equals
the sum of its Vote rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.posts.models import Post, PostType
from quaestio.posts.thread_version import thread_changed
from quaestio.reputation import rules as rep_rules
from quaestio.reputation import services as ledger
from quaestio.reputation.services import utc_day_bounds
from quaestio.search import services as search_services
from quaestio.tags import user_scores
from quaestio.votes import policies
from quaestio.votes.models import CommentVote, Vote, VoteType

Direction = Literal["up", "down"]
DIRECTIONS = {"up": VoteType.UP_MOD, "down": VoteType.DOWN_MOD}
DIRECTION_OF = {vote_type: direction for direction, vote_type in DIRECTIONS.items()}
SCORE_DELTA = {VoteType.UP_MOD: 1, VoteType.DOWN_MOD: -1}
# What an action did. "unchanged": the vote already stood as asked (a retry, a second tab).
Action = Literal["cast", "switched", "retracted", "unchanged"]


@dataclass
class VoteOutcome:
    post_id: int
    score: int
    vote_type: int | None  # the viewer's standing vote after the action, None if none
    action: Action

    @property
    def vote(self) -> Direction | None:
        return DIRECTION_OF.get(self.vote_type)


def votes_cast_today(user_id: int, now: datetime) -> int:
    start, end = utc_day_bounds(now)
    return Vote.objects.filter(
        user_id=user_id,
        vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD),
        creation_date__gte=start,
        creation_date__lt=end,
    ).count()


def vote_set(
    user: User,
    post_id: int,
    target: Direction | None,
    *,
    only_if: Direction | None = None,
    flip: bool = False,
    now: datetime | None = None,
) -> VoteOutcome:
    """Make `target` the user's vote on the post: "up", "down", or None for no vote (spec §4).

    Idempotent: when that vote already stands nothing is written and the action is
    "unchanged". `only_if` acts only when the standing vote is that one, so the API's
    /upvote/undo takes back an upvote and never a downvote. `flip` serves forms that send no
    intent (pages rendered before forms carried one): when `target` already stands it is
    retracted, decided here under the lock rather than from what the page showed.
    """
    if target is not None and target not in DIRECTIONS:
        raise ValidationFailed("A vote is either up or down.")
    now = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(id=post_id).first()
        if post is None:
            raise NotFound("No post with that id.")
        existing = (
            Vote.objects.filter(post_id=post.id, user_id=user.id, vote_type__in=tuple(SCORE_DELTA))
            .order_by("id")
            .first()
        )
        current = DIRECTION_OF.get(existing.vote_type) if existing else None
        wanted = _wanted(current, target, only_if=only_if, flip=flip)
        if wanted == current:
            return VoteOutcome(post.id, post.score or 0, DIRECTIONS.get(current), "unchanged")
        frozen = policies.post_frozen_reason(post)
        if frozen:
            raise PermissionDenied(frozen)
        if existing is not None:
            reason = policies.can_change_vote(existing, post, now)
            if reason:
                raise PermissionDenied(reason)
        if wanted is not None:
            _check_may_vote(user, post, DIRECTIONS[wanted], now, replacing=existing)
        if existing is not None:
            _retract(post, existing)
        if wanted is not None:
            _cast(user, post, DIRECTIONS[wanted], now)
        score = Post.objects.values_list("score", flat=True).get(id=post.id)
        thread_changed(post.id)
    transaction.on_commit(lambda: _after_vote(user.id, post.owner_id))
    action = "retracted" if wanted is None else ("switched" if existing else "cast")
    return VoteOutcome(post.id, score, DIRECTIONS.get(wanted), action)


def _wanted(current, target, *, only_if, flip):
    """The vote that should stand, from the one that does and what was asked."""
    if only_if is not None and current != only_if:
        return current
    if flip and current == target:
        return None
    return target


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


def _cast(user, post: Post, vote_type: int, now: datetime) -> Vote:
    vote = Vote.objects.create(
        post_id=post.id, vote_type=vote_type, user_id=user.id, creation_date=now
    )
    Post.objects.filter(id=post.id).update(score=F("score") + SCORE_DELTA[vote_type])
    search_services.schedule_score(post.id)
    user_scores.answer_score_changed(post, SCORE_DELTA[vote_type])
    counter = "up_votes" if vote_type == VoteType.UP_MOD else "down_votes"
    if rep_rules.earns_from_votes(post.owner_id, post.community_owned_date, now):
        moves = rep_rules.vote_moves(
            vote_type == VoteType.UP_MOD, post.post_type == PostType.ANSWER, post.owner_id, user.id
        )
        ledger.lock_users(user_id for user_id, _nominal, _reason in moves)
        for user_id, nominal, reason in moves:
            ledger.change(user_id, nominal, reason, post_id=post.id, vote_id=vote.id, now=now)
    User.objects.filter(id=user.id).update(**{counter: F(counter) + 1})
    return vote


def community_downvote(post: Post, now: datetime) -> Vote | None:
    """Community's automatic downvote on a post deleted by spam or rude flags (spec §7.8,
    §7.11), scored and entered in the ledger like any downvote. The caller holds the post's
    lock; a post Community already downvoted takes no second one."""
    from quaestio.accounts.models import COMMUNITY_USER_ID

    community = User.objects.filter(id=COMMUNITY_USER_ID).first()
    if (
        community is None
        or Vote.objects.filter(
            post_id=post.id, user_id=COMMUNITY_USER_ID, vote_type=VoteType.DOWN_MOD
        ).exists()
    ):
        return None
    return _cast(community, post, VoteType.DOWN_MOD, now)


def _retract(post: Post, vote: Vote) -> None:
    """Delete the vote and its score; its reputation events leave the ledger with it."""
    Vote.objects.filter(id=vote.id).delete()
    Post.objects.filter(id=post.id).update(score=F("score") - SCORE_DELTA[vote.vote_type])
    search_services.schedule_score(post.id)
    user_scores.answer_score_changed(post, -SCORE_DELTA[vote.vote_type])
    ledger.withdraw(vote.id)
    if vote.user_id is not None:
        counter = "up_votes" if vote.vote_type == VoteType.UP_MOD else "down_votes"
        User.objects.filter(id=vote.user_id, **{f"{counter}__gt": 0}).update(
            **{counter: F(counter) - 1}
        )


def reverse_votes(vote_ids: list[int]) -> int:
    """Invalidate votes (serial voting, a removed voter): scores and reputation follow, as if
    the votes had never been cast. Returns how many were reversed."""
    reversed_count = 0
    for vote in Vote.objects.filter(id__in=vote_ids).order_by("post_id", "id"):
        with transaction.atomic():
            post = Post.objects.select_for_update().get(id=vote.post_id)
            if not Vote.objects.filter(id=vote.id).exists():
                continue  # retracted meanwhile
            _retract(post, vote)
            thread_changed(post.id)
            reversed_count += 1
    return reversed_count


def votes_of_user(user_id: int) -> list[int]:
    """The ids of the up and down votes a person cast (what a removed voter's removal reverses)."""
    return list(
        Vote.objects.filter(
            user_id=user_id, vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD)
        ).values_list("id", flat=True)
    )


def comment_votes_withdraw_all(user_id: int) -> int:
    """Discards every comment upvote of a removed voter; the comments' scores follow. Each
    comment is lowered by its own statement, so a comment's score never goes below zero and
    the threads it shows in are bumped."""
    rows = list(CommentVote.objects.filter(user_id=user_id).values_list("comment_id", flat=True))
    for comment_id in rows:
        Comment.objects.filter(id=comment_id, score__gt=0).update(score=F("score") - 1)
    post_ids = set(Comment.objects.filter(id__in=rows).values_list("post_id", flat=True))
    CommentVote.objects.filter(user_id=user_id).delete()
    thread_changed(*sorted(post_ids))
    return len(rows)


def _after_vote(voter_id: int, owner_id: int | None) -> None:
    from quaestio.badges.tasks import check_badges

    check_badges(voted=[voter_id], scored=[owner_id])


@dataclass
class CommentVoteOutcome:
    comment_id: int
    score: int
    voted: bool
    changed: bool = True


def comment_vote_set(
    user: User, comment_id: int, up: bool, *, flip: bool = False, now: datetime | None = None
) -> CommentVoteOutcome:
    """Make the user's upvote on a comment stand (`up`) or not; no reputation moves (spec §4).

    Idempotent like `vote_set`; `flip` serves forms that send no intent: an upvote that stands
    is taken back. The comment is locked first, so the standing vote is read under the lock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(id=comment_id).first()
        if comment is None:
            raise NotFound("No comment with that id.")
        existing = CommentVote.objects.filter(comment_id=comment.id, user_id=user.id).first()
        wanted = not existing if flip else up
        if wanted == (existing is not None):
            return CommentVoteOutcome(comment.id, comment.score or 0, wanted, changed=False)
        if existing is not None:
            existing.delete()
            Comment.objects.filter(id=comment.id).update(score=F("score") - 1)
        else:
            _check_may_vote_on_comment(user, comment, now)
            CommentVote.objects.create(comment_id=comment.id, user_id=user.id, creation_date=now)
            Comment.objects.filter(id=comment.id).update(score=F("score") + 1)
        score = Comment.objects.values_list("score", flat=True).get(id=comment.id)
        thread_changed(comment.post_id)
    return CommentVoteOutcome(comment.id, score, wanted)


def _check_may_vote_on_comment(user: User, comment: Comment, now: datetime) -> None:
    reason = policies.can_vote_on_comment(user, comment)
    if reason:
        raise PermissionDenied(reason)
    start, end = utc_day_bounds(now)
    today = CommentVote.objects.filter(
        user_id=user.id, creation_date__gte=start, creation_date__lt=end
    ).count()
    reason = policies.comment_vote_limit_reason(today)
    if reason:
        raise RateLimited(reason)
