"""The moderators' tool (and the author's, for an answer) that makes a post community wiki:
a confirm page and its plain-form POST. The author usually ticks the box on the answer or
edit form instead; both end in posts.community_wiki.

The POST is checked for CSRF by Django's middleware and by the policy inside the service, so
a refused request shows why and changes nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import selectors
from quaestio.posts import policies
from quaestio.posts.community_wiki import post_make_community_wiki
from quaestio.posts.models import Post, PostType
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


@require_http_methods(["GET", "POST"])
def make_community_wiki(request, post_id: int):
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise Http404("No post with that id")
    if post.deletion_date is not None:
        raise Http404("No post with that id")
    if not request.user.is_authenticated:
        return redirect(f"{links.page_url('login')}?next={request.path}")
    back = selectors.post_link(post)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            post_make_community_wiki(request.user, post.id)
        except DomainError as refused:
            error, status = refused.message, refused.status
        else:
            return redirect(back)
    allowed, reason = policies.can_make_community_wiki(request.user, post)
    context = {
        "post": post,
        "title": selectors.post_title(post),
        "back": back,
        "error": error or ("" if allowed else reason),
        "allowed": allowed,
    }
    return render(request, "community_wiki/make.html", context, status=status)


urlpatterns = [
    path("posts/<id:post_id>/community-wiki", make_community_wiki, name="post_community_wiki"),
]
