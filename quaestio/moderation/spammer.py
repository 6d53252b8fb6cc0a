"""Destroy a spammer: the account goes, with all its posts and comments (spec §1.4, §9.3).

As on Stack Exchange, the destroyed user's votes are discarded: each is reversed through the
votes service, so post scores and the reputation it gave or took from others move back as if
it had never been cast (the ledger rows go with the votes, so `quaestio recount` and
`quaestio recalc-reputation` agree afterwards). Posts are deleted (the reputation others got
from votes on them goes with them, §1.4), comments removed, and what remains of the person is
the placeholder name `userNNNN` on the deleted rows. One audit row records it all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.accounts.policies import moderator_refusal
from quaestio.comments.models import Comment
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation.audit import record_moderator_action
from quaestio.posts.models import Post, PostType
from quaestio.posts.services import apply_deletion


def destroy_refusal(moderator, user) -> str:
    if refusal := moderator_refusal(moderator, "destroy accounts"):
        return refusal
    if user.id == COMMUNITY_USER_ID:
        return "The Community user cannot be destroyed."
    if user.id == moderator.id:
        return "You cannot destroy your own account."
    if user.is_moderator:
        return "Moderators cannot be destroyed; remove the moderator role first."
    return ""


@dataclass
class DestroyOutcome:
    user_id: int
    name: str
    posts: int
    comments: int
    votes: int


def placeholder_name(user_id: int) -> str:
    """What deleted accounts are shown as (spec §9.3)."""
    return f"user{user_id}"


def spammer_destroy(
    moderator, user_id: int, confirm_name: str, now: datetime | None = None
) -> DestroyOutcome:
    """`confirm_name` must repeat the account's display name: the second confirmation."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id=user_id).first()
        if user is None:
            raise NotFound("No user with that id.")
        if refusal := destroy_refusal(moderator, user):
            raise PermissionDenied(refusal)
        if " ".join((confirm_name or "").split()) != user.display_name:
            raise ValidationFailed(
                f"Type the account's display name, {user.display_name}, to confirm.",
                {"confirm_name": ["mismatch"]},
            )
        return destroy_locked(moderator, user, now or timezone.now())


def destroy_locked(
    moderator, user: User, now: datetime, how: str = "as a spammer"
) -> DestroyOutcome:
    """Destroy a user already locked and checked (by spammer_destroy, or the bulk clean-up
    after its preview), inside the caller's transaction."""
    from quaestio.accounts.account_settings import withdraw_votes

    # Votes first, while the posts they are on still stand as they were.
    votes = withdraw_votes(user.id)
    own_posts = Post.objects.filter(owner_id=user.id)
    posts = delete_posts_of(moderator, own_posts, now, "spam: account destroyed")
    comments = delete_comments_of(Comment.objects.filter(user_id=user.id), now)
    name = placeholder_name(user.id)
    Post.objects.filter(owner_id=user.id).update(owner_display_name=name)
    Comment.objects.filter(user_id=user.id).update(user_display_name=name)
    record_moderator_action(
        moderator,
        "destroy-user",
        target_user_id=user.id,
        details=(
            f"destroyed {user.display_name} ({user.email or 'no e-mail'}) {how}: "
            f"{posts} posts and {comments} comments deleted, {votes} votes removed"
        ),
        at=now,
    )
    outcome = DestroyOutcome(user.id, user.display_name, posts, comments, votes)
    user.delete()
    return outcome


def delete_posts_of(actor, posts, now, why: str) -> int:
    """Delete the live questions and answers among `posts` (a person's), as `actor`, with `why`
    in the history (a destroyed spammer's, an erasure's). Answers first, then questions (a
    question's deletion takes others' answers with it). Returns how many."""
    live = (
        posts.select_for_update()
        .filter(deletion_date=None, post_type__in=(PostType.ANSWER, PostType.QUESTION))
        .order_by("-post_type", "id")
    )
    voters = json.dumps({"Voters": [{"Id": actor.id, "DisplayName": actor.display_name}]})
    count = 0
    for post in list(live):
        if post.parent_id:
            post.parent = Post.objects.select_for_update().get(id=post.parent_id)
        apply_deletion(post, actor, now, voters, why)
        count += 1
    return count


def delete_comments_of(comments, now) -> int:
    """Remove the live comments among `comments` (a person's; the posts' comment counts
    follow); returns how many."""
    live = list(
        comments.select_for_update().filter(deletion_date=None).values_list("id", "post_id")
    )
    for _comment_id, post_id in live:
        Post.objects.filter(id=post_id).update(comment_count=F("comment_count") - 1)
    Comment.objects.filter(id__in=[c for c, _ in live]).update(deletion_date=now)
    return len(live)
