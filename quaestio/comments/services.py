"""Every write to comments: add, edit, delete. Notifications go out on commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quaestio.accounts import limits
from quaestio.comments import policies
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.core.markdown import render_comment
from quaestio.moderation import blocklist
from quaestio.notifications.mentions import comment_recipients, strip_redundant_owner_mention
from quaestio.posts.models import Post
from quaestio.posts.thread_version import thread_changed

COMMENT_MIN, COMMENT_MAX = 15, 600
COMMENT_INTERVAL_SECONDS = 15  # spec §11 (unverified there): one comment per ~15 s
COMMENT_EDIT_INTERVAL_SECONDS = 5
CONTENT_LICENSE = "CC BY-SA 4.0"


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())  # comments have no line breaks
    if len(text) < COMMENT_MIN:
        raise ValidationFailed(
            f"Comments must be at least {COMMENT_MIN} characters; you entered {len(text)}.",
            {"text": ["too short"]},
        )
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(
            f"Comments cannot be longer than {COMMENT_MAX} characters; you entered {len(text)}.",
            {"text": ["too long"]},
        )
    return text


def _render(text: str, post_id: int) -> str:
    return render_comment(text, edit_url=links.post_action_url(post_id, "edit"))


def comment_add(user, post_id: int, text: str, *, automatic: bool = False) -> Comment:
    """`automatic`: a comment the site writes for the user (the duplicate suggestion of a close
    vote, spec §6.4), which the comment rate limit does not hold back."""
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None or post.post_type not in (1, 2):
        raise NotFound("No post with that id.")
    allowed, reason = policies.can_comment(user, post)
    if not allowed:
        raise PermissionDenied(reason)
    text = _clean_text(text)
    blocklist.screen_comment(user, text, _render(text, post.id))  # spam defence
    if not (user.is_moderator or automatic) and not limits.claim_interval(
        "comment", user.id, COMMENT_INTERVAL_SECONDS
    ):
        raise RateLimited(
            f"You can comment only once every {COMMENT_INTERVAL_SECONDS} seconds.",
            retry_after=COMMENT_INTERVAL_SECONDS,
        )
    with transaction.atomic():
        Post.objects.select_for_update().filter(id=post.id).first()
        text = strip_redundant_owner_mention(text, post, user.id)
        recipients = comment_recipients(text, post, user.id)
        comment = Comment.objects.create(
            post=post,
            user=user,
            text=text,
            text_html=_render(text, post.id),
            content_license=CONTENT_LICENSE,
        )
        Post.objects.filter(id=post.id).update(comment_count=F("comment_count") + 1)
        thread_changed(post.id)
        _notify(comment, post, user, recipients)
    return comment


def _notify(comment: Comment, post: Post, author, recipients) -> None:
    """Queue the inbox items of a new comment: the post's owner, the one person an @name
    reached, and the post's earlier commenters."""
    from quaestio.notifications.models import Notification
    from quaestio.notifications.services import notify_later

    excerpt = comment.text[:150]
    reached = [
        (recipients.owner_id, Notification.COMMENT_ON_POST),
        (recipients.mentioned_id, Notification.MENTION),
        *((uid, Notification.COMMENT_REPLY) for uid in sorted(recipients.commenter_ids)),
    ]
    for user_id, kind in reached:
        if user_id:
            notify_later(
                user_id,
                kind,
                actor_id=author.id,
                post_id=post.id,
                comment_id=comment.id,
                summary=excerpt,
            )


def comment_edit(user, comment_id: int, text: str) -> Comment:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(id=comment_id).first()
        if comment is None:
            raise NotFound("No comment with that id.")
        allowed, reason = policies.can_edit_comment(user, comment)
        if not allowed:
            raise PermissionDenied(reason)
        text = _clean_text(text)
        blocklist.screen_comment(user, text, _render(text, comment.post_id))  # spam defence
        if not limits.claim_interval("comment-edit", user.id, COMMENT_EDIT_INTERVAL_SECONDS):
            raise RateLimited("You can edit a comment only once every 5 seconds.", retry_after=5)
        comment.text = text
        comment.text_html = _render(text, comment.post_id)
        comment.edit_date = timezone.now()
        comment.save(update_fields=["text", "text_html", "edit_date"])
        thread_changed(comment.post_id)
    return comment


def comment_delete(user, comment_id: int) -> Comment:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(id=comment_id).first()
        if comment is None:
            raise NotFound("No comment with that id.")
        allowed, reason = policies.can_delete_comment(user, comment)
        if not allowed:
            raise PermissionDenied(reason)
        _remove(comment)
    return comment


def comment_remove(comment_id: int) -> None:
    """The site removes a comment it wrote (the duplicate suggestion, once the question is
    closed: spec §7.3); no policy, as no user asks for it. A removed comment stays removed."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(id=comment_id).first()
        if comment is not None and comment.deletion_date is None:
            _remove(comment)


def _remove(comment: Comment) -> None:
    comment.deletion_date = timezone.now()
    comment.save(update_fields=["deletion_date"])
    Post.objects.filter(id=comment.post_id).update(comment_count=F("comment_count") - 1)
    thread_changed(comment.post_id)


def comments_credit_to_name(user_id: int, name: str) -> int:
    """A deleted account's comments stay, credited to `name` as plain text (spec §9.3); the
    threads they show in are bumped. Returns how many comments were the account's."""
    mine = Comment.objects.filter(user_id=user_id)
    post_ids = set(mine.values_list("post_id", flat=True))
    count = mine.update(user=None, user_display_name=name)
    thread_changed(*sorted(post_ids))
    return count
