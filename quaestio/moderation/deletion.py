"""Delete and undelete votes and the deletions they lead to (spec §7.6).

Every write locks the post (and an answer's question) first, so votes on one post serialise:
the vote that reaches the threshold deletes (or undeletes) the post in the same transaction,
once, however many voters press at the same moment. The deletion itself is the posts room's
(`apply_deletion` / `apply_undeletion`): the same history row, counters and reputation replay
as the owner's or a moderator's deletion.

Services take intents: voting again where your vote stands changes nothing and says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.core.errors import NotFound, PermissionDenied
from quaestio.moderation import policies, rules
from quaestio.moderation.models import DeletionVote, DeletionVoteKind, DeletionVoteState
from quaestio.moderation.services import resolve_votes, voters_list
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType
from quaestio.posts.services import apply_deletion, apply_undeletion
from quaestio.votes.models import Vote

PENDING = DeletionVoteState.PENDING
VIA_VOTE = "via Vote"  # the dump's Comment of a deletion by votes


@dataclass
class DeletionOutcome:
    post_id: int
    action: str  # "voted", "deleted", "undeleted", "unchanged"
    deleted: bool  # the post's state afterwards
    pending_votes: int = 0
    votes_needed: int = 0
    message: str = ""
    voters: list[int] = field(default_factory=list)


def _lock_post(post_id: int) -> Post:
    """Lock the post, and an answer's question after it (the order post_delete uses)."""
    post = Post.objects.select_for_update().filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound("No post with that id.")
    if post.parent_id:
        post.parent = Post.objects.select_for_update().filter(id=post.parent_id).first()
    return post


def _standing(post: Post, kind: int, now) -> list[DeletionVote]:
    """The pending votes of a kind cast since the post last changed state, oldest first.
    Votes from before it (the owner or a moderator deleted or undeleted the post meanwhile)
    are dismissed here, so a count never includes them."""
    since = standing_since({post.id: post}, kind).get(post.id)
    rows = list(
        DeletionVote.objects.filter(post_id=post.id, kind=kind, state=PENDING).order_by(
            "creation_date", "id"
        )
    )
    stale = [v for v in rows if since is not None and v.creation_date < since]
    resolve_votes(stale, DeletionVoteState.DISMISSED, now)
    return [v for v in rows if v not in stale]


def standing_since(posts: dict[int, Post], kind: int) -> dict[int, datetime]:
    """When each post last changed state, for votes of `kind`: undelete votes count from the
    deletion; delete votes from the last undeletion (one query for the live posts)."""
    if kind == DeletionVoteKind.UNDELETE:
        return {i: p.deletion_date for i, p in posts.items() if p.deletion_date is not None}
    live = [i for i, p in posts.items() if p.deletion_date is None]
    if not live:
        return {}
    return dict(
        PostHistory.objects.filter(
            post_id__in=live, post_history_type=PostHistoryType.POST_UNDELETED
        )
        .values("post_id")
        .annotate(last=Max("creation_date"))
        .values_list("post_id", "last")
    )


def delete_vote_cast(user, post_id: int, now: datetime | None = None) -> DeletionOutcome:
    """Vote to delete; the vote that reaches the post's threshold (a moderator's at once)
    deletes it, writing PostHistory 12 with every voter and the comment "via Vote"."""
    return _cast(user, post_id, DeletionVoteKind.DELETE, now)


def undelete_vote_cast(user, post_id: int, now: datetime | None = None) -> DeletionOutcome:
    """Vote to undelete; the third vote (a moderator's at once) brings the post back."""
    return _cast(user, post_id, DeletionVoteKind.UNDELETE, now)


def _cast(user, post_id: int, kind: int, now: datetime | None) -> DeletionOutcome:
    deleting = kind == DeletionVoteKind.DELETE
    with transaction.atomic():
        post = _lock_post(post_id)
        now = now or timezone.now()  # read after the lock: the order of events is the lock's
        done = _already_applied(user, post, kind)
        if done is not None:
            return done
        if deleting:
            allowed, reason = policies.can_vote_to_delete(user, post, now)
        else:
            allowed, reason = policies.can_vote_to_undelete(user, post)
        if not allowed:
            raise PermissionDenied(reason)
        needed = rules.delete_votes_needed(post) if deleting else rules.undelete_votes_needed(post)
        standing = _standing(post, kind, now)
        if any(v.user_id == user.id for v in standing):
            word = "delete" if deleting else "undelete"
            return _outcome(
                post, "unchanged", standing, needed, f"You have already voted to {word}."
            )
        vote = Vote.objects.create(post_id=post.id, vote_type=kind, user=user, creation_date=now)
        standing.append(
            DeletionVote.objects.create(
                post=post, user=user, kind=kind, vote=vote, creation_date=now
            )
        )
        if not user.is_moderator and len(standing) < needed:
            return _outcome(post, "voted", standing, needed)
        comment = "" if user.is_moderator and len(standing) == 1 else VIA_VOTE
        text = voters_json([v.user_id for v in standing])
        if deleting:
            apply_deletion(post, user, now, text, comment)
        else:
            apply_undeletion(post, user, now, text, comment)
        resolve_votes(standing, DeletionVoteState.APPLIED, now)
        dismiss_pending(post.id, now)  # votes of the other kind from before no longer stand
        action = "deleted" if deleting else "undeleted"
        return _outcome(post, action, [], needed, voters=[v.user_id for v in standing])


def community_delete(post: Post, now: datetime, reason: str) -> None:
    """A deletion by the Community user (the clean-up jobs of spec §7.7): the caller locked the
    post in its transaction and checked the criteria; `reason` names the rule, as the
    PostHistory comment."""
    community = User.objects.filter(id=COMMUNITY_USER_ID).first()
    apply_deletion(post, community, now, voters_json([COMMUNITY_USER_ID]), reason)
    dismiss_pending(post.id, now)


def dismiss_pending(post_id: int, now=None) -> int:
    """The post changed state: pending votes of both kinds no longer stand. Returns how many
    were dismissed."""
    now = now or timezone.now()
    return DeletionVote.objects.filter(post_id=post_id, state=PENDING).update(
        state=DeletionVoteState.DISMISSED, resolved_date=now
    )


def _already_applied(user, post: Post, kind: int) -> DeletionOutcome | None:
    """A retried vote that already deleted (or undeleted) the post: report it, change nothing."""
    deleted = post.deletion_date is not None
    if deleted != (kind == DeletionVoteKind.DELETE) or not getattr(user, "is_authenticated", 0):
        return None
    last = (
        DeletionVote.objects.filter(post_id=post.id, kind=kind, state=DeletionVoteState.APPLIED)
        .order_by("-resolved_date", "-id")
        .values_list("resolved_date", flat=True)
        .first()
    )
    if last is None or (deleted and last != post.deletion_date):
        return None  # not deleted by votes, or deleted again since
    if not DeletionVote.objects.filter(
        post_id=post.id, kind=kind, user_id=user.id, resolved_date=last
    ).exists():
        return None
    action = "deleted" if kind == DeletionVoteKind.DELETE else "undeleted"
    return _outcome(post, action, [], 0, "Your vote already counted.")


def voters_json(user_ids: list[int]) -> str:
    """The dump's Text of a deletion or undeletion: {"Voters":[{"Id":..,"DisplayName":..}]}."""
    return json.dumps({"Voters": voters_list(user_ids)}, separators=(",", ":"))


def _outcome(post, action, votes, needed, message="", voters=None) -> DeletionOutcome:
    return DeletionOutcome(
        post_id=post.id,
        action=action,
        deleted=post.deletion_date is not None,
        pending_votes=len(votes),
        votes_needed=needed,
        message=message,
        voters=voters or [],
    )
