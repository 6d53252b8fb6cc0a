"""Moderators' tools on a post (merge, convert to comment, purge comments, move comments to a
discussion room), the rooms' read-only transcripts, and the moderators' audit log.

Each tool is a confirmation form; its POST (CSRF-checked by Django's middleware) calls one
service, which checks the moderator policy itself, so a forged request changes nothing.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import post_tools
from quaestio.moderation.audit_log import audit_page
from quaestio.posts.models import Post, PostType
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _refused(request, message: str, status: int = 403):
    return render(request, "closing/refused.html", {"message": message}, status=status)


def _id(text: str | None) -> int | None:
    """A post id, or the id in a pasted question or answer link."""
    found = re.search(r"(?:^|/)(-?[0-9]{1,18})(?:$|[/#?])", (text or "").strip())
    return int(found.group(1)) if found else None


def _gate(request, post_id: int):
    if not request.user.is_authenticated:
        return None, redirect(links.login_url(request.path))
    if refusal := post_tools.post_tools_refusal(request.user):
        return None, _refused(request, refusal)
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise Http404("No post with that id")
    return post, None


def _page(request, template: str, post, status: int = 200, **extra):
    context = {"post": post, "back": links.post_url(post), "error": "", **extra}
    return render(request, f"post_tools/{template}.html", context, status=status)


@require_GET
def post_moderate(request, post_id: int):
    post, refusal = _gate(request, post_id)
    if refusal:
        return refusal
    return _page(request, "tools", post)


@require_http_methods(["GET", "POST"])
def question_merge(request, post_id: int):
    post, refusal = _gate(request, post_id)
    if refusal:
        return refusal
    target_text = request.POST.get("target", "")
    if request.method == "GET":
        return _page(request, "merge", post, target=target_text)
    target_id = _id(target_text)
    try:
        if target_id is None:
            raise DomainError("Give the id or the link of the question to merge into.")
        post_tools.question_merge(request.user, post.id, target_id)
    except DomainError as error:
        return _page(request, "merge", post, error.status, target=target_text, error=error.message)
    return redirect(links.post_url(Post.objects.only("id", "title").get(id=target_id)))


@require_http_methods(["GET", "POST"])
def answer_to_comment(request, post_id: int):
    post, refusal = _gate(request, post_id)
    if refusal:
        return refusal
    targets = []
    if post.parent_id:
        targets = list(
            Post.objects.filter(parent_id=post.parent_id, deletion_date=None)
            .exclude(id=post.id)
            .only("id", "owner_display_name", "score")
            .order_by("-score", "id")[:50]
        )
    if request.method == "GET":
        return _page(request, "convert", post, targets=targets)
    try:
        onto = _id(request.POST.get("onto"))
        if onto is None:
            raise DomainError("Choose where the comment goes.")
        comment = post_tools.answer_to_comment(request.user, post.id, onto)
    except DomainError as error:
        return _page(request, "convert", post, error.status, targets=targets, error=error.message)
    question = post.parent
    return redirect(links.comment_url(question.id, question.title, comment.id))


@require_http_methods(["GET", "POST"])
def comments_purge(request, post_id: int):
    post, refusal = _gate(request, post_id)
    if refusal:
        return refusal
    if request.method == "GET":
        return _page(request, "purge", post)
    try:
        post_tools.comments_purge(request.user, post.id)
    except DomainError as error:
        return _page(request, "purge", post, error.status, error=error.message)
    return redirect(links.post_url(post))


@require_http_methods(["GET", "POST"])
def comments_move(request, post_id: int):
    post, refusal = _gate(request, post_id)
    if refusal:
        return refusal
    if request.method == "GET":
        return _page(request, "move", post)
    try:
        outcome = post_tools.comments_move_to_chat(request.user, post.id)
    except DomainError as error:
        return _page(request, "move", post, error.status, error=error.message)
    return redirect(links.page_url("room", outcome.room.id))


@require_GET
def admin_history(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    try:
        page = audit_page(request.user, request.GET.get("before", ""))
    except DomainError as error:
        return _refused(request, error.message, error.status)
    return render(request, "post_tools/history.html", {"page": page})


urlpatterns = [
    path("posts/<id:post_id>/moderate", post_moderate, name="post_moderate"),
    path("posts/<id:post_id>/merge", question_merge, name="question_merge"),
    path("posts/<id:post_id>/convert-to-comment", answer_to_comment, name="answer_to_comment"),
    path("posts/<id:post_id>/purge-comments", comments_purge, name="comments_purge"),
    path("posts/<id:post_id>/move-comments", comments_move, name="comments_move"),
    path("admin/history", admin_history, name="admin_history"),
]
