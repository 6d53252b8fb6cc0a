"""A post's revision history with inline and side-by-side diffs."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path

from quaestio.core.diff import (
    inline_diff,
    inline_tag_diff,
    side_by_side_diff,
    side_by_side_tag_diff,
)
from quaestio.posts.models import Post, parse_tags
from quaestio.posts.policies import can_view_deleted
from quaestio.posts.revisions import post_revisions
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def revisions(request, post_id: int):
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    # A deleted post's history is shown to those who may see the post (its owner, moderators).
    if post is None or (post.deletion_date and not can_view_deleted(request.user, post)[0]):
        raise Http404("No post with that id")
    history = post_revisions(post_id)
    side_by_side = request.GET.get("view") == "side-by-side"
    text_diff = side_by_side_diff if side_by_side else inline_diff
    tag_diff = side_by_side_tag_diff if side_by_side else inline_tag_diff
    for revision in history:
        previous = revision.previous
        old = previous or type(revision)(
            guid="", date=revision.date, user=None, user_name="", comment=""
        )
        revision.diffs = {
            name: (
                tag_diff(parse_tags(old.tags), parse_tags(revision.tags))
                if name == "tags"
                else text_diff(getattr(old, name), getattr(revision, name))
            )
            for name in ("title", "body", "tags")
            if revision.number
            and (getattr(old, name) != getattr(revision, name) or previous is None)
        }
    question = post if post.is_question else post.parent
    return render(
        request,
        "posts/revisions.html",
        {
            "post": post,
            "question": question,
            "revisions": list(reversed(history)),
            "side_by_side": side_by_side,
        },
    )


urlpatterns = [path("posts/<id:post_id>/revisions", revisions, name="revisions")]
