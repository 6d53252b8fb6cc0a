"""The state of a thread that a live question page compares with what it shows: which answers
exist, each post's score, comment count and last edit. One query (the question and its answers
by the parent index), the same for every viewer: deleted posts are left out, so a moderator's
page, which shows them, never announces them as new."""

from __future__ import annotations

from quaestio.posts.models import Post, PostType
from quaestio.posts.thread_version import thread_version


def thread_state(question_id: int, viewer=None) -> dict | None:
    rows = list(
        Post.objects.filter(id=question_id, post_type=PostType.QUESTION).values_list(
            "id", "score", "comment_count", "last_edit_date", "deletion_date"
        )
    )
    if not rows:
        return None
    rows += Post.objects.filter(parent_id=question_id, post_type=PostType.ANSWER).values_list(
        "id", "score", "comment_count", "last_edit_date", "deletion_date"
    )
    posts = {
        str(post_id): {
            "score": score,
            "comments": comments or 0,
            "edited": edited.isoformat() if edited else None,
        }
        for post_id, score, comments, edited, deleted in rows
        if deleted is None
    }
    return {
        "question": question_id,
        "version": thread_version(question_id),
        "answers": [int(pid) for pid in posts if int(pid) != question_id],
        "posts": posts,
    }
