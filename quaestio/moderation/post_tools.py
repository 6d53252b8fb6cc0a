"""Moderators' tools on posts: merge a question into another, convert an answer to a comment,
purge a post's comments, move a post's comments to a discussion room (spec §6.4, §7.6).

Each service checks the moderator policy on the server, locks the posts it changes (in id
order, so two tools on the same posts serialise without deadlock), writes in one transaction
the rows, the PostHistory rows the dump has types for, and one audit row.
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
from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.core.markdown import render_comment
from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.models import DiscussionRoom, QuestionMerge, RoomMessage
from quaestio.moderation.writes import write_history
from quaestio.posts.events import announce_post_written
from quaestio.posts.models import Post, PostHistoryType, PostType
from quaestio.posts.services import apply_deletion
from quaestio.tags import user_scores

MOVED_TO_CHAT = (
    "Comments are not for extended discussion; this conversation has been [moved to chat]({url})."
)
COMMENT_MIN, COMMENT_MAX = 15, 600  # the comments' own limits (comments.services)


def post_tools_refusal(user) -> str:
    return moderator_refusal(user, "use the moderator tools on posts")


def _require_moderator(user) -> None:
    if refusal := post_tools_refusal(user):
        raise PermissionDenied(refusal)


def _lock(*post_ids: int) -> dict[int, Post]:
    """The posts, their rows locked in id order."""
    found = {
        p.id: p for p in Post.objects.select_for_update().filter(id__in=post_ids).order_by("id")
    }
    for post_id in post_ids:
        if post_id not in found:
            raise NotFound(f"No post with id {post_id}.")
    return found


def _voters(user) -> str:
    return json.dumps({"Voters": [{"Id": user.id, "DisplayName": user.display_name}]})


def _history(post_id: int, kind, user, now, comment: str) -> None:
    write_history(
        post_id,
        kind,
        user,
        comment,
        {"Voters": [{"Id": user.id, "DisplayName": user.display_name}]},
        now,
    )


# Merge


def merged_question_url(question_id: int) -> str | None:
    """Where a merged question's URL leads now (the target question's page), or None."""
    target_id = merged_into(question_id)
    if target_id is None:
        return None
    title = Post.objects.filter(id=target_id).values_list("title", flat=True).first()
    return links.question_url(target_id, title) if title is not None else None


def merged_into(question_id: int) -> int | None:
    """The question a merged question now lives in (its URL redirects there), or None."""
    return (
        QuestionMerge.objects.filter(source_id=question_id)
        .values_list("target_id", flat=True)
        .first()
    )


def question_merge(moderator, source_id: int, target_id: int, now: datetime | None = None) -> int:
    """Merge the source question into the target: its answers move to the target, the source
    is deleted and its URL redirects permanently to the target (history types 37 and 38).
    Returns how many answers moved."""
    _require_moderator(moderator)
    if source_id == target_id:
        raise ValidationFailed("A question cannot be merged into itself.", {"target": ["same"]})
    with transaction.atomic():
        posts = _lock(source_id, target_id)
        source, target = posts[source_id], posts[target_id]
        for post in (source, target):
            if post.post_type != PostType.QUESTION:
                raise ValidationFailed(f"Post {post.id} is not a question; only questions merge.")
            if post.deletion_date is not None:
                raise ValidationFailed(f"Question {post.id} is deleted; undelete it first.")
        now = now or timezone.now()
        answers = Post.objects.filter(parent_id=source.id, post_type=PostType.ANSWER)
        moved_ids = list(answers.values_list("id", flat=True))
        live_ids = list(answers.filter(deletion_date=None).values_list("id", flat=True))
        live = len(live_ids)
        # The answers' owners' standing leaves the source's tags for the target's.
        user_scores.answers_standing_changed(source.id, live_ids, -1)
        answers.update(parent_id=target.id)
        user_scores.answers_standing_changed(target.id, live_ids, +1)
        Post.objects.filter(id=target.id).update(
            answer_count=F("answer_count") + live, last_activity_date=now
        )
        Post.objects.filter(id=source.id).update(answer_count=0, accepted_answer_id=None)
        source.answer_count, source.accepted_answer_id = 0, None
        apply_deletion(source, moderator, now, _voters(moderator), f"merged into {target.id}")
        _history(
            source.id,
            PostHistoryType.POST_MERGE_SOURCE,
            moderator,
            now,
            f"to {links.question_url(target.id, target.title)}",
        )
        _history(
            target.id,
            PostHistoryType.POST_MERGE_DESTINATION,
            moderator,
            now,
            f"from {links.question_url(source.id, source.title)}",
        )
        QuestionMerge.objects.create(
            source_id=source.id, target_id=target.id, moderator=moderator, creation_date=now
        )
        record_moderator_action(
            moderator,
            "merge",
            post_id=source.id,
            details=f"merged question {source.id} into {target.id}; {len(moved_ids)} answers moved",
        )
        for answer_id in moved_ids:  # the search documents name their question
            announce_post_written(answer_id, "edit")
        return len(moved_ids)


# Answer to comment


def _comment_text(answer: Post) -> str:
    text = " ".join((answer.body_markdown or "").split())
    if not COMMENT_MIN <= len(text) <= COMMENT_MAX:
        raise ValidationFailed(
            f"Only an answer of {COMMENT_MIN} to {COMMENT_MAX} characters fits in a comment; "
            f"this one has {len(text)}. Edit it down first, or delete it instead.",
            {"answer": ["length"]},
        )
    return text


def answer_to_comment(
    moderator, answer_id: int, onto_post_id: int, now: datetime | None = None
) -> Comment:
    """The answer becomes a comment by its author (with its date) on its question or on
    another answer to it; the answer is deleted."""
    _require_moderator(moderator)
    with transaction.atomic():
        posts = _lock(answer_id, onto_post_id)
        answer, onto = posts[answer_id], posts[onto_post_id]
        if answer.post_type != PostType.ANSWER or answer.deletion_date is not None:
            raise ValidationFailed("Only a live answer can be converted to a comment.")
        if (
            onto.id == answer.id
            or onto.deletion_date is not None
            or (onto.id != answer.parent_id and onto.parent_id != answer.parent_id)
        ):
            raise ValidationFailed(
                "Choose the answer's question or another live answer to the same question.",
                {"onto": ["invalid"]},
            )
        text = _comment_text(answer)
        now = now or timezone.now()
        comment = Comment.objects.create(
            post=onto,
            user_id=answer.owner_id,
            user_display_name=answer.owner_display_name or "",
            text=text,
            text_html=render_comment(text, edit_url=links.post_action_url(onto.id, "edit")),
            creation_date=answer.creation_date,
            content_license=answer.content_license or "",
        )
        Post.objects.filter(id=onto.id).update(comment_count=F("comment_count") + 1)
        apply_deletion(answer, moderator, now, _voters(moderator), "converted to a comment")
        record_moderator_action(
            moderator,
            "answer-to-comment",
            post_id=answer.id,
            comment_id=comment.id,
            details=f"answer {answer.id} converted to a comment on post {onto.id}",
        )
        return comment


# Purge and move


def _live_comments(post_id: int) -> list[Comment]:
    return list(
        Comment.objects.select_for_update()
        .filter(post_id=post_id, deletion_date=None)
        .order_by("creation_date", "id")
    )


def _remove_comments(post_id: int, comments: list[Comment], now) -> None:
    Comment.objects.filter(id__in=[c.id for c in comments]).update(deletion_date=now)
    Post.objects.filter(id=post_id).update(comment_count=F("comment_count") - len(comments))


def comments_purge(moderator, post_id: int, now: datetime | None = None) -> int:
    """Delete every live comment on the post; returns how many."""
    _require_moderator(moderator)
    with transaction.atomic():
        _lock(post_id)
        comments = _live_comments(post_id)
        if not comments:
            raise ValidationFailed("This post has no comments to purge.")
        _remove_comments(post_id, comments, now or timezone.now())
        record_moderator_action(
            moderator,
            "purge-comments",
            post_id=post_id,
            details=f"{len(comments)} comments deleted",
        )
        return len(comments)


@dataclass
class MoveOutcome:
    room: DiscussionRoom
    moved: int
    notice: Comment


def comments_move_to_chat(moderator, post_id: int, now: datetime | None = None) -> MoveOutcome:
    """Move the post's comments to a new discussion room: they leave the post, the room keeps
    them as a transcript, and the Community user posts the notice with the room's link."""
    _require_moderator(moderator)
    with transaction.atomic():
        post = _lock(post_id)[post_id]
        if post.post_type not in (PostType.QUESTION, PostType.ANSWER) or post.deletion_date:
            raise ValidationFailed("Only the comments of a live question or answer can be moved.")
        comments = _live_comments(post_id)
        if not comments:
            raise ValidationFailed("This post has no comments to move.")
        now = now or timezone.now()
        kind = "question" if post.post_type == PostType.QUESTION else "answer"
        author = post.owner_display_name or (post.owner.display_name if post.owner_id else "")
        room = DiscussionRoom.objects.create(
            post_id=post.id,
            name=f"Discussion on {kind} by {author or 'a deleted user'}"[:200],
            moderator=moderator,
            creation_date=now,
            message_count=len(comments),
            last_message_date=now,
        )
        RoomMessage.objects.bulk_create(
            RoomMessage(
                room=room,
                user_id=c.user_id,
                user_display_name=c.user_display_name or "",
                text_html=c.text_html or c.text,
                creation_date=c.creation_date,
                comment_id=c.id,
            )
            for c in comments
        )
        _remove_comments(post.id, comments, now)
        notice = _community_comment(
            post, MOVED_TO_CHAT.format(url=links.page_url("room", room.id)), now
        )
        _history(
            post.id, PostHistoryType.DISCUSSION_MOVED_TO_CHAT, moderator, now, f"room {room.id}"
        )
        record_moderator_action(
            moderator,
            "move-to-chat",
            post_id=post.id,
            comment_id=notice.id,
            details=f"{len(comments)} comments moved to room {room.id}",
        )
        return MoveOutcome(room, len(comments), notice)


def _community_comment(post: Post, text: str, now) -> Comment:
    """An automatic comment owned by the Community user (spec §6.4, §7.11)."""
    community = User.objects.filter(id=COMMUNITY_USER_ID).only("id", "display_name").first()
    comment = Comment.objects.create(
        post=post,
        user=community,
        user_display_name=community.display_name if community else "Community",
        text=text,
        text_html=render_comment(text, edit_url=links.post_action_url(post.id, "edit")),
        creation_date=now,
    )
    Post.objects.filter(id=post.id).update(comment_count=F("comment_count") + 1)
    return comment
