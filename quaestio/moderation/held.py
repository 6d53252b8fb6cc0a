"""Posts the blocklist held for review (issue 17 point 5): nothing a user wrote is lost.

A held post is saved like any other, then deleted by the Community user in the same
transaction (PostHistory type 12, comment "Held for review"), so every list, count, search and
feed leaves it out with no change of theirs; its author and moderators still see it (as every
deleted post). A HeldPost row lists it at /admin/held, where a moderator releases it (undeleted:
public, counted and searchable again) or deletes it for good (it stays deleted). Both write the
moderators' audit log in their own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation import policies
from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.models import HELD_COMMENT, HeldPost, HeldPostState
from quaestio.posts.models import Post, PostType

RELEASED_COMMENT = "Released from review"
HELD_PAGE = 50


def hold_post(post: Post, hit) -> HeldPost:
    """Hide the post just written until a moderator decides; the caller holds its transaction
    (and the post's row lock for an edit)."""
    from quaestio.moderation.deletion import community_delete

    community_delete(post, timezone.now(), HELD_COMMENT)
    return HeldPost.objects.create(post=post, pattern_id=hit.pattern.id, reason=hit.describe())


def _pending(moderator, held_id: int) -> tuple[HeldPost, Post]:
    allowed, reason = policies.can_manage_spam_defence(moderator)
    if not allowed:
        raise PermissionDenied(reason)
    held = HeldPost.objects.select_for_update().filter(id=held_id).first()
    if held is None:
        raise NotFound("No held post with that id.")
    if held.state != HeldPostState.PENDING:
        raise ValidationFailed(f"This post was {held.state} already.")
    post = Post.objects.select_for_update().get(id=held.post_id)
    return held, post


def _resolve(held: HeldPost, moderator, state: str, now: datetime) -> None:
    held.state, held.resolved_by, held.resolved_date = state, moderator, now
    held.save(update_fields=["state", "resolved_by", "resolved_date"])


def release_held_post(moderator, held_id: int) -> Post:
    """Make a held post public: undeleted (counts, tags and reputation come back with it),
    indexed for search, and the release recorded in the audit log."""
    from quaestio.moderation.deletion import dismiss_pending, voters_json
    from quaestio.posts.services import apply_undeletion
    from quaestio.search.services import schedule_index

    with transaction.atomic():
        held, post = _pending(moderator, held_id)
        if post.post_type == PostType.ANSWER:
            parent = Post.objects.select_for_update().get(id=post.parent_id)
            if parent.deletion_date is not None:
                raise ValidationFailed(
                    "This answer's question is deleted (or held): release the question first."
                )
        now = timezone.now()
        if post.deletion_date is not None:  # a moderator may have undeleted it another way
            apply_undeletion(post, moderator, now, voters_json([moderator.id]), RELEASED_COMMENT)
            dismiss_pending(post.id, now)
        _resolve(held, moderator, HeldPostState.RELEASED, now)
        record_moderator_action(
            moderator, "release-held-post", post_id=post.id, details=held.reason, at=now
        )
        schedule_index(post.id)
    return post


def delete_held_post(moderator, held_id: int) -> Post:
    """Confirm a held post as spam: it stays deleted (deleted again, by the moderator, if
    undelete votes brought it back meanwhile). The blocklist learns nothing from it
    (moderators change the patterns themselves)."""
    from quaestio.moderation.deletion import dismiss_pending, voters_json
    from quaestio.posts.services import apply_deletion

    with transaction.atomic():
        held, post = _pending(moderator, held_id)
        now = timezone.now()
        if post.deletion_date is None:
            if post.parent_id:
                post.parent = Post.objects.select_for_update().get(id=post.parent_id)
            apply_deletion(post, moderator, now, voters_json([moderator.id]), "Spam")
            dismiss_pending(post.id, now)
        _resolve(held, moderator, HeldPostState.DELETED, now)
        record_moderator_action(
            moderator, "delete-held-post", post_id=post.id, details=held.reason, at=now
        )
    return post


# --- the /admin/held list -----------------------------------------------------------------------


@dataclass(frozen=True)
class HeldItem:
    id: int
    post_id: int
    is_question: bool
    title: str  # the question's, for an answer
    url: str
    excerpt: str
    owner_id: int | None
    owner_name: str
    reason: str
    date: datetime


@dataclass(frozen=True)
class HeldPage:
    items: list[HeldItem]
    next_before: int | None  # keyset: the id to page on from, None on the last page


def held_posts(before: int | None = None, limit: int = HELD_PAGE) -> HeldPage:
    """Pending holds, newest first, a page at a time by id (bounded whatever the backlog)."""
    rows = HeldPost.objects.filter(state=HeldPostState.PENDING)
    if before is not None:
        rows = rows.filter(id__lt=before)
    rows = list(
        rows.select_related("post", "post__owner", "post__parent").order_by("-id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_item(row) for row in rows]
    return HeldPage(items, rows[-1].id if more and rows else None)


def _item(row: HeldPost) -> HeldItem:
    post = row.post
    question = post if post.post_type == PostType.QUESTION else post.parent
    owner = post.owner
    return HeldItem(
        id=row.id,
        post_id=post.id,
        is_question=post.post_type == PostType.QUESTION,
        title=question.title if question else "",
        url=links.question_url(post.id, post.title)
        if post.post_type == PostType.QUESTION
        else links.answer_in_thread_url(
            post.parent_id, question.title if question else "", post.id
        ),
        excerpt=(post.body_markdown or "")[:300],
        owner_id=owner.id if owner else None,
        owner_name=owner.display_name if owner else post.owner_display_name,
        reason=row.reason,
        date=row.creation_date,
    )


def pending_hold(post_id: int) -> HeldPost | None:
    return HeldPost.objects.filter(post_id=post_id, state=HeldPostState.PENDING).first()
