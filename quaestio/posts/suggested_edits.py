"""Suggested edits (spec §5.2): proposals from users below the edit privilege, reviewed by two
reviewers or decided alone by the post's owner or a moderator; approval applies the edit with
a type 24 history row.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.core.markdown import render_post
from quaestio.posts import policies
from quaestio.posts.events import announce_post_written
from quaestio.posts.models import (
    Post,
    PostHistory,
    PostHistoryType,
    SuggestedEdit,
    SuggestedEditReview,
    format_tags,
    parse_tags,
)
from quaestio.posts.revising import (
    Content,
    changed_fields,
    check_badges_on_commit,
    clean_content,
    locked_post,
    notify_on_commit,
    require,
    write_revision,
)
from quaestio.reputation import services as reputation

SUGGESTED_EDIT_QUEUE_SIZE = 500
SUGGESTED_EDIT_VOTES_NEEDED = 2


def suggest_edit(user, post: Post, title: str, body: str, tags, comment: str) -> SuggestedEdit:
    """Queue an edit for review; `post_edit` calls this, with the post locked, for users who may
    not edit freely. One pending suggestion per post, and the queue has a fixed size."""
    if SuggestedEdit.objects.filter(post=post, approval_date=None, rejection_date=None).exists():
        raise ValidationFailed("This post already has a suggested edit waiting for review.")
    pending = SuggestedEdit.objects.filter(
        approval_date=None, rejection_date=None, post__post_type__in=(1, 2)
    ).count()  # tag wiki suggestions have their own queue and cap (tags/wiki.py)
    if pending >= SUGGESTED_EDIT_QUEUE_SIZE:
        raise RateLimited("The suggested edit queue is full; please try again later.")
    if post.is_answer:
        title, tags = "", []
    content, _html = clean_content(
        user, is_question=post.is_question, title=title, body=body, tags=tags
    )
    if not changed_fields(post, content):
        raise ValidationFailed("Your edit does not change anything.")
    suggestion = SuggestedEdit.objects.create(
        post=post,
        owner=user,
        title=content.title,
        body_markdown=content.body,
        tags=format_tags(content.tags),
        comment=comment,
    )
    if post.owner_id:
        notify_on_commit(
            post.owner_id,
            "suggested_edit",
            user,
            post,
            "An edit was suggested to your post.",
            url=links.page_url("suggested_edit", suggestion.id),
        )
    return suggestion


def suggested_edit_review(user, suggestion_id: int, verdict: str) -> SuggestedEdit:
    """A reviewer's vote; two alike decide, and the post's owner or a moderator decides alone."""
    if verdict not in (SuggestedEditReview.APPROVE, SuggestedEditReview.REJECT):
        raise ValidationFailed("Choose approve or reject.")
    with transaction.atomic():
        suggestion = SuggestedEdit.objects.select_for_update().filter(id=suggestion_id).first()
        if suggestion is None:
            raise NotFound("No suggested edit with that id.")
        post = locked_post(suggestion.post_id)
        if not suggestion.is_pending:
            raise ValidationFailed("This suggested edit has already been reviewed.")
        require(policies.can_review_suggested_edit(user, post))
        approvers = record_review(
            user,
            suggestion,
            verdict,
            binding=policies.is_binding_reviewer(user, post),
            needed=SUGGESTED_EDIT_VOTES_NEEDED,
        )
        check_badges_on_commit(reviewed=[user.id])  # Custodian, Reviewer, Steward
        if approvers is not None:
            _apply_suggestion(suggestion, post, approvers)
    return suggestion


def record_review(
    user, suggestion: SuggestedEdit, verdict: str, *, binding: bool, needed: int
) -> list[int] | None:
    """Record `user`'s verdict on a pending suggestion the caller has locked, and decide it when
    the vote is binding or `needed` reviewers agree: a rejection is written here; an approval
    returns the approvers' ids (oldest first) for the caller to apply. None: not approved."""
    if suggestion.owner_id == user.id:
        raise PermissionDenied("You cannot review your own suggested edit.")
    if SuggestedEditReview.objects.filter(suggested_edit=suggestion, user=user).exists():
        raise ValidationFailed("You have already reviewed this suggested edit.")
    SuggestedEditReview.objects.create(suggested_edit=suggestion, user=user, verdict=verdict)
    votes = list(
        SuggestedEditReview.objects.filter(suggested_edit=suggestion, verdict=verdict)
        .order_by("creation_date", "id")
        .values_list("user_id", flat=True)
    )
    if not (binding or len(votes) >= needed):
        return None
    if verdict == SuggestedEditReview.REJECT:
        suggestion.rejection_date = timezone.now()
        suggestion.save(update_fields=["rejection_date"])
        return None
    return votes


def _apply_suggestion(suggestion: SuggestedEdit, post: Post, approver_ids: list[int]) -> None:
    """The edit, credited to its suggester, plus the type 24 row that records who approved it."""
    from quaestio.accounts.models import COMMUNITY_USER_ID, User

    # A suggester who has since deleted their account leaves the edit to Community.
    suggester = (
        User.objects.filter(id=suggestion.owner_id).first()
        or User.objects.filter(id=COMMUNITY_USER_ID).first()
    )
    now = timezone.now()
    content = Content(
        title=suggestion.title if post.is_question else "",
        body=suggestion.body_markdown,
        tags=parse_tags(suggestion.tags) if post.is_question else [],
    )
    note = (
        f"Proposed by {suggestion.owner_id} approved by "
        f"{', '.join(str(i) for i in approver_ids)} edit id of {suggestion.id}"
    )

    def applied_row(post: Post, guid: str, when: datetime) -> PostHistory:
        return PostHistory(
            post=post,
            post_history_type=PostHistoryType.SUGGESTED_EDIT_APPLIED,
            revision_guid=guid,
            creation_date=when,
            comment=note,
        )

    if not changed_fields(post, content):
        suggestion.rejection_date = now  # the post already says this; nothing to apply
        suggestion.save(update_fields=["rejection_date"])
        return
    write_revision(
        post,
        suggester,
        content,
        render_post(content.body),
        comment=suggestion.comment,
        allow_fold=False,
        now=now,
        extra_rows=[applied_row],
    )
    suggestion.approval_date = now
    suggestion.save(update_fields=["approval_date"])
    # The suggester's +2 is written in this transaction: the edit and its reputation stand or
    # fall together.
    reputation.suggested_edit_approved(suggestion.owner_id, post.id, edit_id=suggestion.id, now=now)
    announce_post_written(post.id, "edit")
    check_badges_on_commit(edited=[suggestion.owner_id], scored=[suggestion.owner_id])
