"""A post's timeline: /posts/<id>/timeline (issue 16.8)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from quaestio.moderation import policies
from quaestio.moderation.timeline import post_timeline
from quaestio.posts.models import Post, PostType
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


@require_GET
def timeline(request, post_id: int):
    post = (
        Post.objects.select_related("parent", "owner")
        .filter(id=post_id, post_type__in=(PostType.QUESTION, PostType.ANSWER))
        .first()
    )
    if post is None:
        raise Http404("No post with that id")
    gone = post.deletion_date is not None or (post.parent is not None and post.parent.deletion_date)
    if gone and not policies.can_see_deleted(request.user, post):
        raise Http404("No post with that id")
    return render(request, "timeline/timeline.html", {"t": post_timeline(post)})


urlpatterns = [path("posts/<id:post_id>/timeline", timeline, name="post_timeline")]
