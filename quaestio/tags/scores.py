"""A user's score in a tag (spec §3.6): net votes on their answers to questions carrying the
tag; question votes, community-wiki and deleted posts do not count.

Read from the user's own answers (the post_owner_type_created_idx index, then each answer's question
and its tag row by key): the cost is bounded by how many answers the user wrote, never by the
size of the tag or the site, so it needs no counter to keep in step with votes and retags.
"""

from __future__ import annotations

from django.db.models import Sum

from quaestio.posts.models import Post, PostType


def tag_score(user_id: int | None, tag_id: int) -> int:
    if user_id is None:
        return 0
    total = Post.objects.filter(
        owner_id=user_id,
        post_type=PostType.ANSWER,
        deletion_date__isnull=True,
        community_owned_date__isnull=True,
        parent__deletion_date__isnull=True,
        parent__post_tags__tag_id=tag_id,
    ).aggregate(total=Sum("score"))["total"]
    return total or 0
