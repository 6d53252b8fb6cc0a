"""Delete and undelete votes (confirm pages and their plain-form POSTs) and /tools.

Every POST is checked for CSRF by Django's middleware and by the policy inside the service, so
a refused request shows why and changes nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import deletion, policies, selectors
from quaestio.posts.models import Post, PostType
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _login(request):
    return redirect(f"{links.page_url('login')}?next={request.path}")


def _post(request, post_id: int) -> Post:
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise Http404("No post with that id")
    if post.deletion_date is not None and not policies.can_see_deleted(request.user, post):
        raise Http404("No post with that id")
    return post


def _back(post: Post) -> str:
    return selectors.post_link(post)


def _vote_page(request, post_id: int, undelete: bool):
    post = _post(request, post_id)
    template = "deletion/vote.html"
    context = {
        "post": post,
        "title": selectors.post_title(post),
        "back": _back(post),
        "undelete": undelete,
        "error": "",
        "message": "",
    }
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login(request)
        cast = deletion.undelete_vote_cast if undelete else deletion.delete_vote_cast
        try:
            outcome = cast(request.user, post_id)
        except DomainError as error:
            context["error"] = error.message
            context["state"] = selectors.deletion_state([post_id], request.user)[post_id]
            return render(request, template, context, status=error.status)
        if outcome.action == "unchanged":
            context["message"] = outcome.message
        else:
            return redirect(context["back"])
    context["state"] = selectors.deletion_state([post_id], request.user)[post_id]
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def vote_delete(request, post_id: int):
    return _vote_page(request, post_id, undelete=False)


@require_http_methods(["GET", "POST"])
def vote_undelete(request, post_id: int):
    return _vote_page(request, post_id, undelete=True)


@require_GET
def tools(request):
    """Recent deletions, pending close votes and pending delete votes (10k, 2k beta)."""
    if not request.user.is_authenticated:
        return _login(request)
    allowed, message = policies.can_use_moderator_tools(request.user)
    if not allowed:
        return render(request, "closing/refused.html", {"message": message}, status=403)
    page = selectors.tools_page(request.GET.get("section", ""), request.GET.get("before", ""))
    base = links.page_url("tools")
    return render(
        request,
        "deletion/tools.html",
        {
            "page": page,
            "sections": [
                (name, label, f"{base}?section={name}")
                for name, label in (
                    ("deletions", "Recent deletions"),
                    ("close", "Close votes"),
                    ("delete", "Delete votes"),
                )
            ],
            "next_url": f"{base}?section={page.section}&before={page.next_key}"
            if page.next_key
            else "",
        },
    )


urlpatterns = [
    path("posts/<id:post_id>/vote-delete", vote_delete, name="post_vote_delete"),
    path("posts/<id:post_id>/vote-undelete", vote_undelete, name="post_vote_undelete"),
    path("tools", tools, name="tools"),
]
